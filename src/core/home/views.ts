/** "My items" as a neutral View: the same on the Slack App Home and in a Teams personal chat. */

import type { Contract } from '../contracts/contract.js';
import { type DigestItem, STATUS_RANK, sortDigestItems } from '../contracts/digest.js';
import { dueDate, statusPhrase } from '../contracts/format.js';
import type { DueChecklistItem } from '../procurement/checklist.js';
import { type Procurement, progressOf, progressText } from '../procurement/procurement.js';
import type { Paragraph, View, ViewBlock } from '../view.js';

export interface HomeData {
  checklist: { procurement: Procurement; due: DueChecklistItem }[];
  kpis: DigestItem[];
  procurements: Procurement[];
  contracts: Contract[];
}

/** Rows shown per section; the rest are counted. */
export const HOME_MAX_ROWS = 10;

interface Row {
  status: keyof typeof STATUS_RANK;
  due: string;
  line: Paragraph;
}

export function homeView(data: HomeData): View {
  const rows: Row[] = [
    ...data.checklist.map(({ procurement: p, due }) => ({
      status: due.status,
      due: due.item.due,
      line: [
        { strong: `${due.item.id}` },
        ` ${due.item.text.slice(0, 120)} · `,
        { em: p.title },
        ' · ',
        ...(due.status === 'overdue'
          ? ['overdue since ', dueDate(due.item.due, p.timeZone)]
          : ['due ', dueDate(due.item.due, p.timeZone)]),
        ` · checklist ${p.id}`,
      ] as Paragraph,
    })),
    ...sortDigestItems(data.kpis).map((item) => ({
      status: item.status,
      due: item.obligation.due,
      line: [
        { strong: item.obligation.title },
        ' · ',
        { em: item.contractTitle },
        ' · ',
        ...statusPhrase(item, item.timeZone),
        ` · contract ${item.contractId}`,
      ] as Paragraph,
    })),
  ].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.due.localeCompare(b.due));
  const overdue = rows.filter((r) => r.status === 'overdue').length;
  const blocks: ViewBlock[] = [
    {
      type: 'context',
      content: [
        rows.length
          ? `${rows.length} item${rows.length === 1 ? '' : 's'} due within 30 days${overdue ? `, ${overdue} overdue` : ''}.`
          : 'Nothing of yours is due within 30 days.',
      ],
    },
  ];
  const list = (title: string, items: Paragraph[]) => {
    if (!items.length) return;
    blocks.push({ type: 'text', content: [{ strong: title }] });
    blocks.push({ type: 'list', items: items.slice(0, HOME_MAX_ROWS) });
    if (items.length > HOME_MAX_ROWS) {
      blocks.push({ type: 'context', content: [`and ${items.length - HOME_MAX_ROWS} more`] });
    }
  };
  list(
    'My items',
    rows.map((r) => r.line),
  );
  const procurements = [...data.procurements].sort(
    (a, b) =>
      Number(b.stage === 'pre-award') - Number(a.stage === 'pre-award') || a.awardDate.localeCompare(b.awardDate),
  );
  list(
    'My procurements',
    procurements.map((p) => [
      { strong: p.id },
      ` ${p.title} · ${p.stage === 'pre-award' ? (p.ready ? 'ready for award' : 'pre-award') : p.stage} · ${progressText(progressOf(p.items))} · award `,
      dueDate(p.awardDate, p.timeZone),
    ]),
  );
  list(
    'My contracts',
    data.contracts.map((c) => [{ strong: c.id }, ` ${c.title} · ${c.supplier} · until `, dueDate(c.end, c.timeZone)]),
  );
  return {
    fallback: `Your AI procurement items: ${rows.length} due within 30 days${overdue ? `, ${overdue} overdue` : ''}`,
    heading: 'Your AI procurement items',
    blocks: [
      ...blocks,
      {
        type: 'context',
        content: ['Open a checklist with the checklist command and its id, e.g. checklist P-3F8R1A.'],
      },
    ],
  };
}

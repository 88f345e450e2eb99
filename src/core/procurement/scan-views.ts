/** The consequence scan's messages: the session with the kit's prompts, each consequence with its sort, the log. */
import { recordLessonAction } from '../lessons/actions.js';
import type { Paragraph, View, ViewAction, ViewBlock } from '../view.js';
import { CONSEQUENCE_INPUT, ProcurementActions, procurementValue } from './actions.js';
import type { Consequence, Procurement, Scan } from './procurement.js';
import { type Closed, marks, type SortClick } from './scan.js';

/** The kit's prompts (doteveryone Consequence Scanning), worded for buying an AI system. */
export const SCAN_PROMPTS = [
  'What are the intended consequences of buying this system, good and bad?',
  'What could happen that nobody intends: misuse, drift, errors at scale, staff relying on it too much?',
  'Which consequences do we want to make the most of, and which do we need to reduce?',
  'Who could be affected: residents, staff, people treated differently by the system, people who cannot use it?',
];

const SORT_LABEL = { act: 'Act', influence: 'Influence', monitor: 'Monitor' } as const;

export function scanView(p: Procurement, scan: Scan): View {
  const closed = Boolean(scan.closedAt);
  const blocks: ViewBlock[] = [
    {
      type: 'text',
      content: closed
        ? [`This scan is closed: ${scan.consequences.length} consequences. The log is below.`]
        : [
            'Add each consequence you can think of as a reply in this thread; anyone here can. Then sort each one: ',
            { strong: 'Act' },
            ' (we can deal with it: a checklist item), ',
            { strong: 'Influence' },
            ' (the supplier can: a clause we ask for; name one like C11), or ',
            { strong: 'Monitor' },
            ' (neither: a KPI or review we watch), and mark it positive or negative, intended or unintended.',
          ],
    },
  ];
  if (!closed) blocks.push({ type: 'list', items: SCAN_PROMPTS.map((q) => [q]) });
  blocks.push({
    type: 'context',
    content: [`${p.id} · scan ${scan.n} (${scan.occasion}) · opened by `, { user: scan.openedBy }],
  });
  return {
    fallback: `Consequence scan ${scan.n}: ${p.title}`,
    heading: `Consequence scan: ${p.title}`,
    blocks,
    ...(closed
      ? {}
      : {
          input: {
            kind: 'text' as const,
            inputId: CONSEQUENCE_INPUT,
            placeholder: 'A consequence, e.g. residents get letters they cannot understand',
            maxLength: 500,
            submit: { id: ProcurementActions.addConsequence, label: 'Add consequence', value: procurementValue(p.id) },
          },
          actions: [{ id: ProcurementActions.closeScan, label: 'Close scan', value: procurementValue(p.id) }],
        }),
  };
}

const CLICKS: { set: SortClick; label: string; on: (c: Consequence) => boolean }[] = [
  { set: 'act', label: 'Act', on: (c) => c.sort === 'act' },
  { set: 'influence', label: 'Influence', on: (c) => c.sort === 'influence' },
  { set: 'monitor', label: 'Monitor', on: (c) => c.sort === 'monitor' },
  { set: 'positive', label: 'Positive', on: (c) => c.impact === 'positive' },
  { set: 'negative', label: 'Negative', on: (c) => c.impact === 'negative' },
  { set: 'intended', label: 'Intended', on: (c) => c.intent === 'intended' },
  { set: 'unintended', label: 'Unintended', on: (c) => c.intent === 'unintended' },
];

export function consequenceView(p: Procurement, c: Consequence, open: boolean): View {
  const state = c.sort ? `${SORT_LABEL[c.sort]} · ${marks(c)}` : `not sorted yet · ${marks(c)}`;
  const actions: ViewAction[] = open
    ? CLICKS.map((click) => ({
        id: ProcurementActions.sort,
        label: click.on(c) ? `✓ ${click.label}` : click.label,
        value: { p: p.id, c: c.id, set: click.set },
        ...(click.on(c) ? { style: 'primary' as const } : {}),
      }))
    : [];
  return {
    fallback: `Consequence ${c.id}: ${c.text}`,
    blocks: [
      { type: 'text', content: [{ strong: c.id }, ` ${c.text}`] },
      { type: 'context', content: [`${state} · added by `, { user: c.by }] },
    ],
    actions,
  };
}

const line = (c: Consequence, extra = ''): Paragraph => [
  { strong: c.id },
  ` ${c.text} (${marks(c)})${extra} · `,
  { user: c.by },
];

/** The log "Close scan" posts: every consequence by sort, and what each became. */
export function scanLogView(p: Procurement, scan: Scan, closed: Closed): View {
  const blocks: ViewBlock[] = [];
  const section = (title: string, items: Paragraph[]) => {
    if (!items.length) return;
    blocks.push({ type: 'text', content: [{ strong: title }] });
    blocks.push({ type: 'list', items });
  };
  const byId = new Map(scan.consequences.map((c) => [c.id, c]));
  const of = (id: string) => byId.get(id);
  section(
    'Act: now checklist items',
    closed.actions.flatMap((a) => {
      const c = of(a.from);
      return c ? [line(c, ` → ${a.item.id}`)] : [];
    }),
  );
  section(
    'Influence: clauses to ask the supplier for',
    closed.asks.flatMap((a) => {
      const c = of(a.from);
      return c ? [line(c, a.ref ? ` → ${a.ref}` : ' → free-text clause ask')] : [];
    }),
  );
  section(
    'Monitor: KPIs proposed on the contract form',
    closed.kpis.flatMap((k) => {
      const c = of(k.from);
      return c ? [line(c, ` → ${k.id}`)] : [];
    }),
  );
  section(
    'Over the limit (80 checklist items, 100 clause asks, 50 KPIs): not added',
    closed.dropped.map((c) => line(c)),
  );
  section(
    'Not sorted (kept in the log only)',
    closed.unsorted.map((c) => line(c)),
  );
  if (!blocks.length) blocks.push({ type: 'text', content: ['No consequences were added.'] });
  blocks.push({
    type: 'context',
    content: [`${p.id} · scan ${scan.n} closed by `, { user: scan.closedBy ?? scan.openedBy }],
  });
  return {
    fallback: `Consequence scan ${scan.n} closed: ${scan.consequences.length} consequences`,
    heading: `Consequence scan ${scan.n}: the log`,
    blocks,
    // What the scan taught is worth keeping where colleagues can find it.
    actions: [recordLessonAction(p.id)],
  };
}

import { formatLocalDate, type LocalDate, localDateOf } from '../calendar.js';
import { historyAction } from '../history/actions.js';
import { recordIds } from '../history/recorder.js';
import { recordLessonAction } from '../lessons/actions.js';
/** Contract messages as neutral views: one contract, the list of contracts, and the confirmations. */
import { storedTierLabel } from '../triage/labels.js';
import { type Paragraph, plainText, type UserRef, type View, type ViewAction, type ViewBlock } from '../view.js';
import { ContractActions } from './actions.js';
import {
  type Breach,
  type Contract,
  type ContractResult,
  CPN_RATING,
  currentBreaches,
  JURISDICTION_LABEL,
  type Reviews,
  type SupplierChange,
} from './contract.js';
import { dueDate, formatMoney, kpiLine, statusPhrase } from './format.js';
import { pulseText } from './governance.js';
import { DEFAULT_HORIZON_DAYS, type Obligation, obligationsOf, openItems } from './obligations.js';

/** How far ahead "next" looks on a contract. */
const NEXT_HORIZON_DAYS = 400;
const MAX_NEXT = 5;
const MAX_RECENT = 5;
const MAX_RECORD_BUTTONS = 5;
const MAX_LISTED = 50;
const MAX_OPEN_BUTTONS = 10;

const open = (contract: Contract): ViewAction => ({
  id: ContractActions.open,
  label: `Open ${contract.id}`,
  value: { c: contract.id },
});

function period(contract: Contract): string {
  return `${formatLocalDate(contract.start)} to ${formatLocalDate(contract.end)}`;
}

function resultLine(result: ContractResult, titles: Map<string, string>): Paragraph {
  return [
    `${titles.get(result.obligation) ?? result.obligation}: ${result.value} · `,
    ...(result.rating ? [{ strong: CPN_RATING[result.rating].label }, ' · '] : []),
    ...(result.pulse ? [`${pulseText(result.pulse)} · `] : []),
    { user: result.by },
    ' · ',
    { date: { at: Date.parse(result.at), style: 'date' } },
    ...(result.note ? [' · ', { em: result.note }] : []),
  ];
}

/** Everything about one contract, with buttons to record what is due, log a breach, or export OCDS. */
export function contractView(contract: Contract, today: LocalDate): View {
  const blocks: ViewBlock[] = [];
  const triage = contract.triage;
  blocks.push({
    type: 'context',
    content: [
      { code: contract.id },
      ' · registered by ',
      { user: contract.createdBy },
      triage
        ? ` · triage: ${storedTierLabel(triage.tier, triage.tierLabel)}, score ${triage.score} of ${triage.max}`
        : '',
      today > contract.end ? ' · ended' : '',
    ],
  });
  blocks.push({
    type: 'facts',
    items: [
      { label: 'Supplier', value: [contract.supplier] },
      { label: 'Value', value: [formatMoney(contract.value)] },
      { label: 'Period', value: [period(contract)] },
      { label: 'Owner', value: [{ user: contract.owner }] },
      { label: 'SRO', value: [{ user: contract.sro }] },
      { label: 'Jurisdiction', value: [JURISDICTION_LABEL[contract.jurisdiction]] },
      { label: 'Reminders', value: [{ channel: { id: contract.channel } }, ` · ${contract.timeZone}`] },
    ],
  });
  if (contract.cpnDuty) {
    blocks.push({
      type: 'context',
      content: [
        'Procurement Act 2023: a Contract Performance Notice at least every 12 months and at the end, and within 30 days of a breach that leads to termination in part, damages or a settlement.',
      ],
    });
  }
  blocks.push({ type: 'text', content: [{ strong: `KPIs (${contract.kpis.length})` }] });
  blocks.push({ type: 'list', items: contract.kpis.map(kpiLine) });

  const next = openItems(contract, today, NEXT_HORIZON_DAYS).slice(0, MAX_NEXT);
  blocks.push({ type: 'text', content: [{ strong: 'Next' }] });
  if (next.length) {
    blocks.push({
      type: 'list',
      items: next.map((item) => [`${item.obligation.title}: `, ...statusPhrase(item, contract.timeZone)]),
    });
  } else {
    blocks.push({ type: 'context', content: ['Nothing open in the next 12 months.'] });
  }

  if (contract.results.length) {
    const titles = new Map(obligationsOf(contract).map((o) => [o.key, o.title]));
    const recent = [...contract.results].sort((a, b) => b.at.localeCompare(a.at)).slice(0, MAX_RECENT);
    blocks.push({ type: 'text', content: [{ strong: 'Recent results' }] });
    blocks.push({ type: 'list', items: recent.map((r) => resultLine(r, titles)) });
  }
  if (contract.breaches.length) {
    blocks.push({ type: 'text', content: [{ strong: 'Breaches' }] });
    blocks.push({
      type: 'list',
      items: currentBreaches(contract.breaches).map((b) => [
        `${formatLocalDate(b.on)}: ${b.note} · ${b.replaces ? `corrects ${b.replaces} (${b.reason}), ` : ''}logged by `,
        { user: b.by },
      ]),
    });
  }

  const value = (k?: string) => (k ? { c: contract.id, k } : { c: contract.id });
  const actions: ViewAction[] = openItems(contract, today, DEFAULT_HORIZON_DAYS)
    .slice(0, MAX_RECORD_BUTTONS)
    .map((item) => ({
      id: ContractActions.record,
      label: `Record: ${item.obligation.title} (${formatLocalDate(item.obligation.due)})`,
      value: value(item.obligation.key),
    }));
  actions.push({
    id: ContractActions.reviews,
    label: contract.reviews ? 'Joint reviews…' : 'Schedule joint reviews…',
    value: value(),
  });
  actions.push({ id: ContractActions.change, label: 'Log supplier change', value: value() });
  actions.push({ id: ContractActions.breach, label: 'Log breach', value: value(), style: 'danger' });
  actions.push({ id: ContractActions.exportOcds, label: 'Export OCDS', value: value() });
  actions.push(historyAction(recordIds.contract(contract.id)));
  return {
    fallback: `AI contract ${contract.id}: ${contract.title} (${contract.supplier})`,
    heading: contract.title,
    blocks,
    actions,
  };
}

/** One line per contract: title, supplier, value, end date and what is due next; most urgent first. */
export function contractsListView(contracts: Contract[], now: Date): View {
  if (contracts.length === 0) {
    const text = 'No AI contracts are registered yet. Register one with "Register contract" under a completed triage.';
    return { fallback: text, heading: 'AI contracts', blocks: [{ type: 'text', content: [text] }] };
  }
  const rows = contracts.map((contract) => {
    const today = localDateOf(now, contract.timeZone);
    const next = openItems(contract, today, NEXT_HORIZON_DAYS)[0];
    return { contract, today, next };
  });
  rows.sort(
    (a, b) =>
      (a.next?.obligation.due ?? '9999').localeCompare(b.next?.obligation.due ?? '9999') ||
      a.contract.title.localeCompare(b.contract.title),
  );
  const listed = rows.slice(0, MAX_LISTED);
  const items: Paragraph[] = listed.map(({ contract, today, next }) => [
    { code: contract.id },
    ' ',
    { strong: contract.title },
    ` · ${contract.supplier} · ${formatMoney(contract.value)} · ${today > contract.end ? 'ended' : 'ends'} ${formatLocalDate(contract.end)} · `,
    ...(next
      ? [`next: ${next.obligation.title}, `, ...statusPhrase(next, contract.timeZone)]
      : ['nothing due in the next 12 months']),
  ]);
  const blocks: ViewBlock[] = [{ type: 'list', items }];
  if (rows.length > listed.length) {
    blocks.push({ type: 'context', content: [`and ${rows.length - listed.length} more.`] });
  }
  return {
    fallback: contracts.length === 1 ? '1 AI contract' : `${contracts.length} AI contracts`,
    heading: `AI contracts (${contracts.length})`,
    blocks,
    actions: listed.slice(0, MAX_OPEN_BUTTONS).map(({ contract }) => open(contract)),
  };
}

/** Posted to the person who registered, and to the reminders channel. */
export function registeredView(contract: Contract, today: LocalDate): View {
  const first = openItems(contract, today, NEXT_HORIZON_DAYS).slice(0, 3);
  const material = contract.kpis.filter((k) => k.material).map((k) => k.id);
  const blocks: ViewBlock[] = [
    {
      type: 'text',
      content: [
        { code: contract.id },
        ' ',
        { strong: contract.title },
        ` with ${contract.supplier}, ${formatMoney(contract.value)}, ${period(contract)}. ${contract.kpis.length} KPIs; reminders go to `,
        { channel: { id: contract.channel } },
        ' in the daily digest.',
      ],
    },
  ];
  if (contract.cpnDuty) {
    blocks.push({
      type: 'context',
      content: [
        `Procurement Act 2023: the 3 most material KPIs for the Contract Details Notice are ${material.join(', ')}. Contract Performance Notices are scheduled every 12 months and at the end.`,
      ],
    });
  }
  if (first.length) {
    blocks.push({ type: 'text', content: [{ strong: 'First reminders' }] });
    blocks.push({
      type: 'list',
      items: first.map((item) => [`${item.obligation.title}: `, ...statusPhrase(item, contract.timeZone)]),
    });
  }
  return {
    fallback: `Contract ${contract.id} registered: ${contract.title}`,
    heading: 'AI contract registered',
    blocks,
    actions: [open(contract)],
  };
}

function notice(content: Paragraph, actions: ViewAction[] = []): View {
  return { fallback: plainText(content), blocks: [{ type: 'text', content }], actions };
}

export function resultRecordedView(contract: Contract, obligation: Obligation, result: ContractResult): View {
  return notice(
    [
      'Recorded ',
      ...(result.rating ? [{ strong: CPN_RATING[result.rating].label }, ` (${result.value})`] : [`“${result.value}”`]),
      ` for ${obligation.title} on `,
      { strong: contract.title },
      ' by ',
      { user: result.by },
      '.',
    ],
    [open(contract)],
  );
}

export function snoozedView(contract: Contract, obligation: Obligation, until: LocalDate, by: UserRef): View {
  return notice([
    { user: by },
    ` snoozed ${obligation.title} on `,
    { strong: contract.title },
    ' until ',
    dueDate(until, contract.timeZone),
    '.',
  ]);
}

export function breachLoggedView(contract: Contract, breach: Breach, obligation: Obligation): View {
  return notice(
    [
      'Breach logged on ',
      { strong: contract.title },
      ` (${formatLocalDate(breach.on)}) by `,
      { user: breach.by },
      `. ${obligation.title}: due `,
      dueDate(obligation.due, contract.timeZone),
      '.',
    ],
    // After a breach, what went wrong is worth a lesson colleagues can find.
    [open(contract), recordLessonAction(contract.id)],
  );
}

export function reviewsScheduledView(contract: Contract, reviews: Reviews): View {
  const text = `Joint reviews of ${contract.title} with ${contract.supplier}: every ${reviews.months === 1 ? 'month' : `${reviews.months} months`} from ${formatLocalDate(reviews.first)}. A pre-read comes with the digest three days before each.`;
  return {
    fallback: text,
    blocks: [
      { type: 'text', content: [text] },
      { type: 'context', content: ['Set by ', { user: reviews.by }] },
    ],
  };
}

export function changeLoggedView(contract: Contract, change: SupplierChange): View {
  const text = `Supplier change ${change.id} logged on ${contract.title} (${formatLocalDate(change.on)}): the next joint review’s pre-read lists it.`;
  return { fallback: text, blocks: [{ type: 'text', content: [text] }] };
}

/** A contract found ended opens the digest with this, for this long after its end (not for contracts long over). */
export const ENDED_ASK_DAYS = 30;

/**
 * Contracts found ended today: what did they teach us? The owner is asked for a lesson, tagged from the contract
 * (its triage's tags, its supplier) at the exit stage. Five at most: the digest stays inside Slack's 50 blocks.
 */
export function endedBlocks(contracts: readonly Contract[]): ViewBlock[] {
  const shown = contracts.slice(0, 5);
  const more = contracts.length - shown.length;
  return [
    ...shown.flatMap((c): ViewBlock[] => [
      {
        type: 'text',
        content: [
          { strong: c.title },
          ` · contract ${c.id} with ${c.supplier} ended · what did it teach us? `,
          { mention: c.owner },
          ', a lesson lets the next team find it.',
        ],
      },
      { type: 'actions', actions: [recordLessonAction(c.id, 'exit')] },
    ]),
    ...(more > 0
      ? [
          {
            type: 'context' as const,
            content: [`and ${more} more ended: lesson C-… records a lesson about any of them.`],
          },
        ]
      : []),
  ];
}

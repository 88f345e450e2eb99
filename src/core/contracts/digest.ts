/**
 * The daily digest for a procurement channel, and the same list for a person who asks (the kpi command): what
 * is overdue, due today and due within the week, with a way to record, snooze or open each item.
 */

import type { LocalDate } from '../calendar.js';
import type { Paragraph, UserRef, View, ViewAction, ViewBlock } from '../view.js';
import { ContractActions } from './actions.js';
import type { Contract } from './contract.js';
import { dueDate, statusPhrase } from './format.js';
import { compareObligations, DEFAULT_HORIZON_DAYS, type OpenItem, openItems } from './obligations.js';

export interface DigestItem extends OpenItem {
  contractId: string;
  contractTitle: string;
  /** The contract's zone: its due dates are moments at 09:00 there. */
  timeZone: string;
  owner: UserRef;
  sro: UserRef;
}

/**
 * Items shown in one message. Each item is a section and three buttons; Slack allows 50 blocks and 25 buttons
 * per actions block, and a Teams card stays well under its size limit.
 */
export const DIGEST_MAX_ITEMS = 20;

/** Overdue first, then due today, then upcoming: the order every list of due items keeps. */
export const STATUS_RANK = { overdue: 0, today: 1, upcoming: 2 } as const;

/** Overdue first (oldest first), then due today, then upcoming by date; ties by contract title. */
export function sortDigestItems(items: DigestItem[]): DigestItem[] {
  return [...items].sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
      a.obligation.due.localeCompare(b.obligation.due) ||
      a.contractTitle.localeCompare(b.contractTitle) ||
      a.contractId.localeCompare(b.contractId) ||
      compareObligations(a.obligation, b.obligation),
  );
}

export function digestItemsOf(contract: Contract, today: LocalDate, horizonDays = DEFAULT_HORIZON_DAYS): DigestItem[] {
  return openItems(contract, today, horizonDays).map((item) => ({
    ...item,
    contractId: contract.id,
    contractTitle: contract.title,
    timeZone: contract.timeZone,
    owner: contract.owner,
    sro: contract.sro,
  }));
}

export function digestItems(contracts: Contract[], today: LocalDate, horizonDays = DEFAULT_HORIZON_DAYS): DigestItem[] {
  return sortDigestItems(contracts.flatMap((contract) => digestItemsOf(contract, today, horizonDays)));
}

/**
 * Another feature's item in the same digest (a procurement's checklist item), sorted in with the contracts' by status
 * and date, and counted in the heading.
 */
export interface DigestRow {
  status: OpenItem['status'];
  due: LocalDate;
  /** Ties among other rows on a date; a contract item and another row due the same day: the contract's first. */
  title: string;
  line: (n: number) => Paragraph;
  actions: ViewAction[];
}

function rowOf(item: DigestItem): DigestRow {
  return {
    status: item.status,
    due: item.obligation.due,
    title: item.contractTitle,
    line: (n) => itemLine(item, n),
    actions: itemActions(item),
  };
}

/** Contract items (already in digest order) and other rows, merged: overdue first, then today, then by date. */
function rowsOf(items: DigestItem[], extra: DigestRow[] = []): DigestRow[] {
  if (!extra.length) return items.map(rowOf);
  const sortedExtra = [...extra].sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.due.localeCompare(b.due) || a.title.localeCompare(b.title),
  );
  const out: DigestRow[] = [];
  const contracts = items.map(rowOf);
  let i = 0;
  let j = 0;
  while (i < contracts.length || j < sortedExtra.length) {
    const a = contracts[i];
    const b = sortedExtra[j];
    const takeA =
      a !== undefined &&
      (b === undefined || (STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.due.localeCompare(b.due)) <= 0);
    if (takeA && a) {
      out.push(a);
      i += 1;
    } else if (b) {
      out.push(b);
      j += 1;
    }
  }
  return out;
}

function summary(items: readonly { status: OpenItem['status'] }[]): string {
  const count = (status: OpenItem['status']) => items.filter((i) => i.status === status).length;
  const parts = [
    [count('overdue'), 'overdue'],
    [count('today'), 'due today'],
    [count('upcoming'), 'due this week'],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return said.length ? said.join(', ') : 'nothing due this week';
}

function escalation(item: DigestItem): Paragraph {
  // Escalations notify: the owner after 7 days overdue, the SRO too after 14.
  if (item.escalate === 'sro') return [' · owner ', { mention: item.owner }, ' · SRO ', { mention: item.sro }];
  if (item.escalate === 'owner') return [' · owner ', { mention: item.owner }];
  return [];
}

function itemLine(item: DigestItem, n: number): Paragraph {
  return [
    `${n}. `,
    { strong: item.contractTitle },
    ` · ${item.obligation.title} · `,
    ...statusPhrase(item, item.timeZone),
    ...escalation(item),
  ];
}

/** Three buttons under each item. */
function itemActions(item: DigestItem): ViewAction[] {
  const value = { c: item.contractId, k: item.obligation.key };
  return [
    { id: ContractActions.record, label: 'Record result', value, style: 'primary' },
    { id: ContractActions.snooze, label: 'Snooze…', value },
    { id: ContractActions.open, label: 'Open contract', value: { c: item.contractId } },
  ];
}

interface ListOptions {
  /** Items the caller left out (beyond those passed), added to "and N more". */
  more?: number;
}

/** The note under a list that leaves `more` items out, saying where to see them. */
type MoreNote = (more: number) => Paragraph;

/** `items` come in digest order (digestItems, sortDigestItems): the views show them as given. */
function itemsView(
  heading: string,
  intro: ViewBlock[],
  rows: DigestRow[],
  options: ListOptions,
  moreNote: MoreNote,
  maxItems = DIGEST_MAX_ITEMS,
): View {
  const shown = rows.slice(0, maxItems);
  const more = rows.length - shown.length + (options.more ?? 0);
  const blocks: ViewBlock[] = [...intro];
  shown.forEach((row, i) => {
    blocks.push({ type: 'text', content: row.line(i + 1) });
    blocks.push({ type: 'actions', actions: row.actions });
  });
  if (more > 0) {
    blocks.push({
      type: 'context',
      content: moreNote(more),
    });
  }
  return { fallback: heading, heading, blocks };
}

/** The daily message for a procurement channel; `items` sorted as digestItems returns them. */
export function digestView(
  items: DigestItem[],
  options: ListOptions & {
    date: LocalDate;
    timeZone: string;
    channelName?: string;
    /** How the kpi command is written where the digest is read, e.g. '/aiprocure kpi'. */
    kpiCommand?: string;
    /** Checklist items of the channel's procurements, due within the week or overdue. */
    extra?: DigestRow[];
    /**
     * Blocks that open the digest (pre-reads of joint reviews three days away, a lesson asked for): first, so the
     * 50-block cap never cuts them.
     */
    first?: ViewBlock[];
  },
): View {
  const rows = rowsOf(items, options.extra);
  const heading = `AI contract reminders: ${summary(rows)}`;
  const intro: ViewBlock = {
    type: 'context',
    content: [
      options.channelName ? `Daily digest for #${options.channelName} · ` : 'Daily digest · ',
      dueDate(options.date, options.timeZone),
      ' · Record a result, or snooze an item (with a reason, at most 3 times). Overdue items mention the owner after 7 days, the SRO after 14.',
    ],
  };
  // Each item is two blocks: the opening blocks take the room of as many items, so the message stays inside 50.
  const first = options.first ?? [];
  const room = Math.max(5, DIGEST_MAX_ITEMS - Math.ceil(first.length / 2));
  return itemsView(
    heading,
    [intro, ...first],
    rows,
    options,
    (more) => [`and ${more} more: use the `, { code: options.kpiCommand ?? 'kpi' }, ' command to see them all.'],
    room,
  );
}

/** The same list for one person who asked (the kpi command); `items` sorted as digestItems returns them. */
export function dueListView(items: DigestItem[], options: ListOptions = {}): View {
  if (items.length === 0 && !options.more) {
    const text = 'Nothing is overdue or due in the next 7 days for your AI contracts.';
    return { fallback: text, heading: 'AI contract reminders', blocks: [{ type: 'text', content: [text] }] };
  }
  // This is the kpi command's own answer, so the note says how the rest come into view instead.
  return itemsView(`AI contract reminders: ${summary(items)}`, [], rowsOf(items), options, (more) => [
    `and ${more} more not shown here: they move up as these are recorded or snoozed.`,
  ]);
}

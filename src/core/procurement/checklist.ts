/**
 * The checklist's rules, pure: the items a triage's outcome becomes, their default due dates, who may make which
 * change, and what is due for the daily digest. The service applies them under the procurement's lock.
 */
import type { Standing } from '../access/access.js';
import { atLeast, type Role } from '../access/roles.js';
import { addDays, compareDates, daysBetween, type LocalDate } from '../calendar.js';
import { type Escalation, escalationFor } from '../contracts/obligations.js';
import type { Outcome } from '../triage/types.js';
import type { UserRef } from '../view.js';
import { type ChecklistItem, type ItemStatus, isSettled, MAX_ITEMS, type Proof, TEXT_MAX } from './procurement.js';

/** Evidence is asked for two weeks before the planned award, so there is time to review it; gates one week before. */
export const EVIDENCE_LEAD_DAYS = 14;
export const GATE_LEAD_DAYS = 7;
/** Items due within this many days (and overdue ones) join the daily digest. */
export const CHECKLIST_HORIZON_DAYS = 7;

const clip = (text: string) => (text.length > TEXT_MAX ? `${text.slice(0, TEXT_MAX - 1)}…` : text);

/** The default due date: `lead` days before the award, never before today. */
export function defaultDue(awardDate: LocalDate, today: LocalDate, lead: number): LocalDate {
  const due = addDays(awardDate, -lead);
  return compareDates(due, today) < 0 ? (compareDates(awardDate, today) < 0 ? today : awardDate) : due;
}

/**
 * Every gate and every evidence item of the outcome, in the order the summary lists them. `supports` names the
 * clauses each evidence item supports, from the triage's pack.
 */
export function itemsFromOutcome(input: {
  outcome: Pick<Outcome, 'gates' | 'evidence' | 'clauses'>;
  supports: (evidenceId: string) => string[];
  awardDate: LocalDate;
  today: LocalDate;
  owner: UserRef;
}): ChecklistItem[] {
  const { outcome, awardDate, today, owner } = input;
  const inOutcome = new Set(outcome.clauses.map((c) => c.id));
  const gates = outcome.gates.map(
    (g): ChecklistItem => ({
      id: g.id,
      kind: 'gate',
      text: clip(g.text),
      addressee: 'buyer',
      owner,
      due: defaultDue(awardDate, today, GATE_LEAD_DAYS),
      status: 'open',
      log: [],
    }),
  );
  const evidence = outcome.evidence.map((e): ChecklistItem => {
    const supports = input.supports(e.id).filter((c) => inOutcome.has(c));
    return {
      id: e.id,
      kind: 'evidence',
      text: clip(e.text),
      reason: clip(e.reason),
      ...(supports.length ? { supports } : {}),
      addressee: 'supplier',
      owner,
      due: defaultDue(awardDate, today, EVIDENCE_LEAD_DAYS),
      status: 'open',
      log: [],
    };
  });
  return [...gates, ...evidence].slice(0, MAX_ITEMS);
}

/** What someone asks of an item. */
export type ItemChange =
  | { kind: 'done'; proof?: Proof }
  | { kind: 'waive'; reason: string }
  | { kind: 'na'; reason: string }
  | { kind: 'reopen'; reason?: string }
  /** Proof attached by the supplier side: marked for review, not done. */
  | { kind: 'evidence'; proof: Proof };

export const CHANGE_STATUS: Record<ItemChange['kind'], ItemStatus> = {
  done: 'done',
  waive: 'waived',
  na: 'na',
  reopen: 'open',
  evidence: 'received',
};

/** The role each change needs; `done` is also open to the item's owner. A guest may only attach evidence. */
export const CHANGE_ROLE: Record<ItemChange['kind'], Role> = {
  done: 'procurement',
  waive: 'admin',
  na: 'procurement',
  reopen: 'procurement',
  evidence: 'member',
};

const CHANGE_PHRASE: Record<ItemChange['kind'], string> = {
  done: 'Marking an item done',
  waive: 'Waiving an item',
  na: 'Marking an item not applicable',
  reopen: 'Reopening an item',
  evidence: 'Attaching evidence',
};

/**
 * Why `who` may not make `change` to `item`, or undefined when they may. The supplier side (a guest in a shared
 * channel) may attach proof to the evidence addressed to it while it is still open or under review, and nothing
 * else; buyers do the rest by role, and the item's owner may mark it done.
 */
export function changeRefusal(
  item: ChecklistItem,
  change: ItemChange,
  who: { id: string; standing: Standing },
): string | undefined {
  const { standing } = who;
  if (standing.barred) return 'Guests may not use the bot in this workspace.';
  // Someone the platform could not vouch for is not taken for the supplier either.
  if (standing.unverified) return 'The platform could not say who you are just now; please try again in a minute.';
  if (standing.guest) {
    if (change.kind !== 'evidence') {
      return `${CHANGE_PHRASE[change.kind]} is for the buying team; as the supplier you can attach evidence to the items addressed to you.`;
    }
    if (item.addressee !== 'supplier') return `${item.id} is the buying team’s, not addressed to the supplier.`;
    if (isSettled(item)) return `${item.id} is settled already (${item.status === 'done' ? 'done' : item.status}).`;
    return undefined;
  }
  if (change.kind === 'evidence') {
    return 'Evidence is attached by the supplier; as the buyer, mark the item done with its proof instead.';
  }
  const needed = CHANGE_ROLE[change.kind];
  const owner = change.kind === 'done' && item.owner?.id === who.id;
  if (owner || atLeast(standing.role, needed)) return undefined;
  const whom = change.kind === 'done' ? `the item’s owner or the ${needed} role` : `the ${needed} role`;
  return `${CHANGE_PHRASE[change.kind]} needs ${whom}.`;
}

/** The item after `change`, with who and when in its log. */
export function applyChange(
  item: ChecklistItem,
  change: ItemChange,
  by: UserRef,
  at: string,
  supplier: boolean,
): ChecklistItem {
  const status = CHANGE_STATUS[change.kind];
  const reason = 'reason' in change ? change.reason : undefined;
  const proof = 'proof' in change ? change.proof : undefined;
  const next: ChecklistItem = {
    ...item,
    status,
    changedBy: by,
    changedAt: at,
    log: [
      ...item.log,
      {
        status,
        by,
        at,
        ...(reason ? { reason } : {}),
        ...(proof ? { proof } : {}),
        ...(supplier ? { supplier } : {}),
      },
    ].slice(-200),
  };
  if (reason) next.statusReason = reason;
  else delete next.statusReason;
  if (proof) next.proof = proof;
  else if (change.kind === 'reopen') delete next.proof;
  return next;
}

export interface DueChecklistItem {
  item: ChecklistItem;
  status: 'overdue' | 'today' | 'upcoming';
  overdueDays: number;
  /** The same escalation as a KPI review: the owner after 7 days overdue, and the SRO (here the lead) after 14. */
  escalate: Escalation;
}

/** The items still worked on: all of them before award; after it, the actions later scans added. */
export function workingItems(p: { stage: string; items: readonly ChecklistItem[] }): ChecklistItem[] {
  return p.stage === 'pre-award' ? [...p.items] : p.items.filter((i) => i.kind === 'action');
}

export const RECORD_NAMES: Record<string, string> = {
  atrs: 'ATRS record',
  'us-inventory': 'US AI use case inventory entry',
  'nl-register': 'Algoritmeregister entry',
  'eu-db': 'EU database registration',
};

/**
 * Each published transparency record's next review, as an item the digest treats like a checklist item (a
 * documentation refresh, owned by the procurement's lead): publishing it again moves the date.
 */
export function reviewItems(p: {
  published?: { kind: string; review: LocalDate }[];
  createdBy: UserRef;
}): ChecklistItem[] {
  return (p.published ?? []).map((r) => ({
    id: `R-${r.kind}`,
    kind: 'action',
    text: `Review and republish the ${RECORD_NAMES[r.kind] ?? r.kind} (documentation refresh)`,
    addressee: 'buyer',
    owner: p.createdBy,
    due: r.review,
    status: 'open',
    log: [],
  }));
}

/** Unsettled items due within the horizon or overdue, oldest first. */
export function dueItems(
  items: readonly ChecklistItem[],
  today: LocalDate,
  horizon = CHECKLIST_HORIZON_DAYS,
): DueChecklistItem[] {
  const until = addDays(today, horizon);
  return items
    .filter((item) => !isSettled(item) && compareDates(item.due, until) <= 0)
    .map((item) => {
      const overdueDays = compareDates(item.due, today) < 0 ? daysBetween(item.due, today) : 0;
      return {
        item,
        status:
          overdueDays > 0 ? ('overdue' as const) : item.due === today ? ('today' as const) : ('upcoming' as const),
        overdueDays,
        escalate: escalationFor(overdueDays),
      };
    })
    .sort((a, b) => compareDates(a.item.due, b.item.due) || a.item.id.localeCompare(b.item.id));
}

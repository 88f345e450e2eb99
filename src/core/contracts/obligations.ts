/**
 * What falls due over a contract's life, and what is open today. Pure functions of the contract record: the
 * schedule is recomputed on every read (never stored), so editing a KPI's cadence or logging a breach changes
 * the reminders at once, and a stored result or snooze is keyed by a stable obligation key.
 */
import { addDays, addMonths, compareDates, daysBetween, type LocalDate, monthStepper } from '../calendar.js';
import { LEGACY_FIRST_MONTHS } from '../triage/pack-schema.js';
import { type Contract, type ContractKpi, type ContractResult, currentBreaches } from './contract.js';

export type ObligationKind = 'kpi' | 'cpn' | 'breach-cpn' | 'docs' | 'retriage' | 'review';

export interface Obligation {
  /** Stable across recomputation: 'kpi:K1:2026-05-01', 'cpn:2027-04-01', 'cpn-end:2029-03-31', 'breach-cpn:B1'… */
  key: string;
  kind: ObligationKind;
  due: LocalDate;
  /** The start of the period this obligation reports on (the previous occurrence, the start, or the breach). */
  from: LocalDate;
  title: string;
  kpiId?: string;
}

/** The fields the schedule depends on. */
export type ScheduleSource = Pick<Contract, 'start' | 'end' | 'kpis' | 'cpnDuty' | 'breaches' | 'reviews'>;

/** A Contract Performance Notice at least every 12 months (Procurement Act 2023 s.71(2)). */
export const CPN_EVERY_MONTHS = 12;
/** Published within 30 days of the breach (s.71(5) and guidance). */
export const BREACH_CPN_DAYS = 30;
export const DOCS_EVERY_MONTHS = 12;
export const RETRIAGE_MONTHS_BEFORE_END = 6;
export const ESCALATE_OWNER_DAYS = 7;
export const ESCALATE_SRO_DAYS = 14;
export const DEFAULT_HORIZON_DAYS = 7;

/**
 * A breach gets a 30-day clock on every contract. Under the Procurement Act (`cpnDuty`) it is the legal duty to
 * publish a Contract Performance Notice; elsewhere no notice is required, but a breach left without a follow-up is
 * how contracts drift, so it becomes a breach review due on the same day.
 */
export const OBLIGATION_TITLES = {
  cpn: 'Contract Performance Notice due',
  cpnEnd: 'Final Contract Performance Notice due (end of contract)',
  breachCpn: 'Breach: publish a CPN within 30 days',
  breachReview: 'Breach: review within 30 days',
  docs: 'Documentation refresh (AIA, ATRS, FactSheet, DPIA)',
  retriage: 'Re-triage before renewal',
  review: 'Joint review with the supplier',
} as const;

/** Whether a result for this obligation carries a rating on the Contract Performance Notice scale. */
export const isRated = (obligation: Pick<Obligation, 'kind'>) => obligation.kind === 'kpi' || obligation.kind === 'cpn';

export const kpiReviewTitle = (kpi: Pick<ContractKpi, 'id' | 'title'>) => `${kpi.id} ${kpi.title} review`;

/** Month offsets from the start at which a KPI is reviewed: the end of each cadence period. */
function* kpiOffsets(cadence: ContractKpi['cadence']): Generator<number> {
  let offset = 0;
  for (;;) {
    const step =
      cadence.thenMonths !== undefined && offset + cadence.months > (cadence.firstMonths ?? LEGACY_FIRST_MONTHS)
        ? cadence.thenMonths
        : cadence.months;
    offset += step;
    yield offset;
  }
}

const KIND_ORDER: Record<ObligationKind, number> = { kpi: 0, cpn: 1, 'breach-cpn': 2, docs: 3, retriage: 4, review: 5 };
const kpiNumber = (o: Obligation) => (o.kpiId ? Number(o.kpiId.slice(1)) : 0);

/** By due date; on one day, KPI reviews first in KPI order (K1, K3, K12), then notices, refreshes, re-triage. */
export const compareObligations = (a: Obligation, b: Obligation): number =>
  compareDates(a.due, b.due) ||
  KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
  kpiNumber(a) - kpiNumber(b) ||
  (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Visits every obligation due on or before `until` (the whole life when omitted), unsorted. Only the part of the
 * schedule up to `until` is computed, so finding what is due now does not walk a contract's later years.
 */
function visitObligations(
  contract: ScheduleSource,
  until: LocalDate | undefined,
  visit: (obligation: Obligation) => void,
): void {
  const { start, end } = contract;
  const last = until !== undefined && until < end ? until : end;
  const monthsAfter = monthStepper(start);

  for (const kpi of contract.kpis) {
    const title = kpiReviewTitle(kpi);
    let from = start;
    for (const offset of kpiOffsets(kpi.cadence)) {
      const due = monthsAfter(offset);
      if (due > last) break;
      visit({ key: `kpi:${kpi.id}:${due}`, kind: 'kpi', due, from, title, kpiId: kpi.id });
      from = due;
    }
  }

  if (contract.cpnDuty) {
    let from = start;
    for (let months = CPN_EVERY_MONTHS; ; months += CPN_EVERY_MONTHS) {
      const due = monthsAfter(months);
      if (due >= end || due > last) break;
      visit({ key: `cpn:${due}`, kind: 'cpn', due, from, title: OBLIGATION_TITLES.cpn });
      from = due;
    }
    if (end <= last) visit({ key: `cpn-end:${end}`, kind: 'cpn', due: end, from, title: OBLIGATION_TITLES.cpnEnd });
  }

  for (const breach of currentBreaches(contract.breaches)) {
    const due = addDays(breach.on, BREACH_CPN_DAYS);
    if (until !== undefined && due > until) continue;
    visit({
      key: `breach-cpn:${breach.id}`,
      kind: 'breach-cpn',
      due,
      from: breach.on,
      title: contract.cpnDuty ? OBLIGATION_TITLES.breachCpn : OBLIGATION_TITLES.breachReview,
    });
  }

  let from = start;
  for (let months = DOCS_EVERY_MONTHS; ; months += DOCS_EVERY_MONTHS) {
    const due = monthsAfter(months);
    if (due >= end || due > last) break;
    visit({ key: `docs:${due}`, kind: 'docs', due, from, title: OBLIGATION_TITLES.docs });
    from = due;
  }

  if (contract.reviews) {
    const every = monthStepper(contract.reviews.first);
    let from = start;
    for (let k = 0; ; k += 1) {
      const due = every(k * contract.reviews.months);
      if (due > end || due > last) break;
      visit({ key: `review:${due}`, kind: 'review', due, from, title: OBLIGATION_TITLES.review });
      from = due;
    }
  }

  const retriage = addMonths(end, -RETRIAGE_MONTHS_BEFORE_END);
  if (retriage > start && retriage <= last) {
    visit({
      key: `retriage:${retriage}`,
      kind: 'retriage',
      due: retriage,
      from: start,
      title: OBLIGATION_TITLES.retriage,
    });
  }
}

/** Every obligation due on or before `until` (the whole life when omitted), sorted by due date then key. */
export function obligationsUntil(contract: ScheduleSource, until?: LocalDate): Obligation[] {
  const out: Obligation[] = [];
  visitObligations(contract, until, (o) => out.push(o));
  return out.sort(compareObligations);
}

/** Every occurrence over the contract's life (a 10-year monthly KPI is 120 of them). */
export function obligationsOf(contract: ScheduleSource): Obligation[] {
  return obligationsUntil(contract);
}

export function findObligation(contract: ScheduleSource, key: string): Obligation | undefined {
  const due = key.startsWith('breach-cpn:') ? undefined : key.slice(key.lastIndexOf(':') + 1);
  return obligationsUntil(contract, due).find((o) => o.key === key);
}

/** The result that counts for each obligation: the latest recorded (earlier ones are history, e.g. corrections). */
export function latestResults(contract: Pick<Contract, 'results'>): Map<string, ContractResult> {
  const latest = new Map<string, ContractResult>();
  for (const result of contract.results) {
    const seen = latest.get(result.obligation);
    if (!seen || seen.at <= result.at) latest.set(result.obligation, result);
  }
  return latest;
}

export type OpenStatus = 'overdue' | 'today' | 'upcoming';
export type Escalation = 'none' | 'owner' | 'sro';

export interface OpenItem {
  obligation: Obligation;
  status: OpenStatus;
  /** Days past the due date; 0 unless overdue. */
  overdueDays: number;
  /** Who to mention: the owner from 7 days overdue, the SRO (and the owner) from 14. */
  escalate: Escalation;
}

export function escalationFor(overdueDays: number): Escalation {
  if (overdueDays >= ESCALATE_SRO_DAYS) return 'sro';
  if (overdueDays >= ESCALATE_OWNER_DAYS) return 'owner';
  return 'none';
}

/**
 * Whether an unrecorded obligation counts: those due before the contract was registered (`trackedFrom`) do not,
 * except breach notices, which someone logged on purpose.
 */
export function isTracked(obligation: Pick<Obligation, 'kind' | 'due'>, trackedFrom: LocalDate): boolean {
  return obligation.kind === 'breach-cpn' || obligation.due >= trackedFrom;
}

export type OpenSource = ScheduleSource & Pick<Contract, 'results' | 'snoozes' | 'trackedFrom'>;

/**
 * Obligations due on or before `today + horizonDays`, tracked (see isTracked), with no result recorded and not
 * snoozed past today. A snooze hides an item until its date; the item then comes back with its original
 * due date, so escalation keeps counting from when it was due.
 */
export function openItems(contract: OpenSource, today: LocalDate, horizonDays = DEFAULT_HORIZON_DAYS): OpenItem[] {
  const recorded = new Set<string>();
  for (const result of contract.results) recorded.add(result.obligation);
  const { trackedFrom } = contract;
  const items: OpenItem[] = [];
  visitObligations(contract, addDays(today, horizonDays), (obligation) => {
    if (recorded.has(obligation.key)) return;
    if (!isTracked(obligation, trackedFrom)) return;
    const snoozedUntil = contract.snoozes[obligation.key];
    if (snoozedUntil !== undefined && snoozedUntil > today) return;
    const overdueDays = obligation.due < today ? daysBetween(obligation.due, today) : 0;
    items.push({
      obligation,
      status: overdueDays > 0 ? 'overdue' : obligation.due === today ? 'today' : 'upcoming',
      overdueDays,
      escalate: escalationFor(overdueDays),
    });
  });
  return items.sort((a, b) => compareObligations(a.obligation, b.obligation));
}

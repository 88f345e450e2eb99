/**
 * The expected-schedule model both year simulations (Slack and Teams) are checked against: the tenants' digest
 * hours, the contracts both platforms carry, the plan of what people do (a breach logged, one review left overdue,
 * one snoozed) and what a digest must list on a given day. It is computed from the obligation schedule and that
 * plan alone, never from the scheduler, so a simulation that agrees with it has delivered what it should.
 */
import { addDays, daysBetween, type LocalDate } from '../../src/core/calendar.js';
import { type Contract, ContractSchema } from '../../src/core/contracts/contract.js';
import { type Obligation, obligationsOf } from '../../src/core/contracts/obligations.js';
import type { UserRef } from '../../src/core/view.js';
import { kpi, makeContract } from '../unit/contracts/helpers.js';

/** A tenant as the simulation drives it: its settings say when digests go out, to which procurement channel. */
export interface YearTenant {
  id: string;
  timeZone: string;
  digestHour: number;
  channel: string;
}

/** When each tenant's digest goes out; the daylight-saving instants in year-checks.ts follow from these. */
export const LONDON_DIGESTS = { timeZone: 'Europe/London', digestHour: 9 } as const;
export const NEW_YORK_DIGESTS = { timeZone: 'America/New_York', digestHour: 8 } as const;

export const DATES_2026: LocalDate[] = Array.from({ length: 365 }, (_, i) => addDays('2026-01-01', i));

/** The bot has been running through 2025: every channel had its digest for 31 December. */
export const RUNNING_SINCE: LocalDate = '2025-12-31';

/** Where a contract is managed and who answers for it, on one platform. */
export interface Placement {
  tenant: YearTenant;
  platform: Contract['platform'];
  owner: UserRef;
  sro: UserRef;
  createdBy: UserRef;
}

/**
 * A contract in the tenant's procurement channel, reviewed in the tenant's zone, tracked from the start of the year
 * and without the CPN duty, unless `terms` says otherwise.
 */
export function placed(at: Placement, terms: Partial<Contract>): Contract {
  const { tenant, ...rest } = at;
  return makeContract({
    tenant: tenant.id,
    channel: tenant.channel,
    timeZone: tenant.timeZone,
    cpnDuty: false,
    trackedFrom: '2026-01-01',
    ...rest,
    ...terms,
  });
}

/** The ids of the contracts both platforms carry. */
export const IDS = { gb1: 'C-GB0001', gb2: 'C-GB0002', ny2: 'C-NY0002' } as const;

/** UK, £6.2m: Contract Performance Notices due. Monthly and quarterly KPIs on the 1st; CPN and docs on 1 Oct. */
export const benefitFraudScoring = (at: Placement): Contract =>
  placed(at, {
    id: IDS.gb1,
    title: 'Benefit fraud risk scoring',
    start: '2025-10-01',
    end: '2028-09-30',
    kpis: [kpi('K1', 'Service availability', { months: 1 }, true), kpi('K2', 'Accuracy', { months: 3 }, true)],
    cpnDuty: true,
  });

/** UK, no CPN duty, ends 28 Apr 2027: re-triage due 28 Oct 2026, three days after the clocks go back. */
export const councilTaxChatbot = (at: Placement): Contract =>
  placed(at, {
    id: IDS.gb2,
    title: 'Council tax chatbot',
    value: { amount: 400_000, currency: 'GBP' },
    start: '2025-04-28',
    end: '2027-04-28',
    kpis: [kpi('K1', 'Deflection rate', { months: 3 })],
  });

/** US, quarterly reviews on the 3rd (3 Nov: two days after the clocks go back); ends Feb 2027 (re-triage 3 Aug). */
export const eligibilityScreening = (at: Placement): Contract =>
  placed(at, {
    id: IDS.ny2,
    title: 'Benefits eligibility screening',
    value: { amount: 900_000, currency: 'USD' },
    jurisdiction: 'US',
    start: '2025-08-03',
    end: '2027-02-03',
    kpis: [kpi('K1', 'False positive rate', { months: 3 })],
  });

/** Logged on benefit fraud scoring at noon on 15 Jun; its 30-day CPN clock runs out on 12 Jul. */
export const BREACH = {
  contract: IDS.gb1,
  loggedOn: '2026-06-15',
  on: '2026-06-12',
  note: 'Availability under 95 % in June',
};
/** Left overdue for 20 days: the owner is named from 4 Feb, the SRO from 11 Feb; recorded on 17 Feb. */
export const ESCALATED = { contract: IDS.gb2, key: 'kpi:K1:2026-01-28', recordedOn: '2026-02-17' };
/** Snoozed on its due day (7 days, until 10 May), then recorded on 12 May. */
export const SNOOZED = {
  contract: IDS.ny2,
  key: 'kpi:K1:2026-05-03',
  snoozedOn: '2026-05-03',
  recordedOn: '2026-05-12',
};

/** Benefit fraud scoring as its schedule stands once the breach is logged (the breach's CPN included). */
export function withBreach(contract: Contract, by: UserRef): Contract {
  return ContractSchema.parse({
    ...contract,
    breaches: [{ id: 'B1', on: BREACH.on, note: BREACH.note, by, at: '2026-06-15T11:00:00.000Z' }],
  });
}

/** The local date on whose noon the result is recorded (after that day's digest). */
export function recordedOn(contract: Contract, obligation: Obligation): LocalDate {
  if (contract.id === ESCALATED.contract && obligation.key === ESCALATED.key) return ESCALATED.recordedOn;
  if (contract.id === SNOOZED.contract && obligation.key === SNOOZED.key) return SNOOZED.recordedOn;
  return obligation.due;
}

/** Obligations the digest may ever show: those due since the contract was tracked, and breach notices. */
export function tracked(contract: Contract): Obligation[] {
  return obligationsOf(contract).filter((o) => o.kind === 'breach-cpn' || o.due >= contract.trackedFrom);
}

/** A contract as the year's digests see it: its final schedule, listed from the day after it was registered. */
export interface YearContract {
  contract: Contract;
  from: LocalDate;
}

/** One item a digest must list: `item` is `contractId|obligationKey`, as the digest's buttons carry it. */
export interface OpenItem {
  item: string;
  contract: Contract;
  obligation: Obligation;
  overdueDays: number;
}

/**
 * What the digest of `date` in `tenant` must list, from the schedule and the plan of actions alone: everything due
 * by `date + 7` of a contract registered before that day, not yet recorded (results are recorded after the digest),
 * and not snoozed. In schedule order; the digest's own order is `byDigestOrder`.
 */
export function openOn(contracts: YearContract[], tenant: YearTenant, date: LocalDate): OpenItem[] {
  const out: OpenItem[] = [];
  for (const { contract, from } of contracts) {
    if (contract.tenant !== tenant.id || date <= from) continue;
    for (const obligation of tracked(contract)) {
      if (obligation.due > addDays(date, 7) || date > recordedOn(contract, obligation)) continue;
      if (obligation.kind === 'breach-cpn' && date <= BREACH.loggedOn) continue;
      const snoozed = contract.id === SNOOZED.contract && obligation.key === SNOOZED.key;
      if (snoozed && date > SNOOZED.snoozedOn && date < addDays(SNOOZED.snoozedOn, 7)) continue;
      const overdueDays = Math.max(0, daysBetween(obligation.due, date));
      out.push({ item: `${contract.id}|${obligation.key}`, contract, obligation, overdueDays });
    }
  }
  return out;
}

/** Whom a digest names for an open item: the owner from 7 days overdue, the SRO from 14. */
export function escalatedTo(open: OpenItem): Array<{ role: 'owner' | 'SRO'; person: UserRef }> {
  return [
    ...(open.overdueDays >= 7 ? [{ role: 'owner' as const, person: open.contract.owner }] : []),
    ...(open.overdueDays >= 14 ? [{ role: 'SRO' as const, person: open.contract.sro }] : []),
  ];
}

/**
 * The order a digest lists items in: overdue first (oldest first), then due today, then upcoming by date; on one
 * date by contract title and id, then KPI reviews in KPI order before notices, refreshes and re-triage.
 */
const KIND_ORDER = { kpi: 0, cpn: 1, 'breach-cpn': 2, docs: 3, retriage: 4, review: 5 } as const;
export function byDigestOrder(date: LocalDate) {
  const rank = (e: OpenItem) => (e.obligation.due < date ? 0 : e.obligation.due === date ? 1 : 2);
  const kpiNumber = (e: OpenItem) => Number(e.obligation.kpiId?.slice(1) ?? 0);
  return (a: OpenItem, b: OpenItem) =>
    rank(a) - rank(b) ||
    a.obligation.due.localeCompare(b.obligation.due) ||
    a.contract.title.localeCompare(b.contract.title) ||
    a.contract.id.localeCompare(b.contract.id) ||
    KIND_ORDER[a.obligation.kind] - KIND_ORDER[b.obligation.kind] ||
    kpiNumber(a) - kpiNumber(b) ||
    (a.obligation.key < b.obligation.key ? -1 : a.obligation.key > b.obligation.key ? 1 : 0);
}

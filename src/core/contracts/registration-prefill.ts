/** The starting point of the registration form, from a completed triage: its title, value, KPI pack and targets. */

import { addDays, addMonths, isValidTimeZone, type LocalDate, localDateOf } from '../calendar.js';
import type { Dialogue } from '../triage/dialogue.js';
import { kpiCadence } from '../triage/engine.js';
import { kpiThreshold, outcomeLabels } from '../triage/labels.js';
import { parseMoney } from '../triage/money.js';
import { type Cadence, LEGACY_FIRST_MONTHS, type Pack, type ScoredTier } from '../triage/pack-schema.js';
import type { Outcome } from '../triage/types.js';
import type { UserRef } from '../view.js';
import { type Contract, type ContractKpi, type Currency, type Jurisdiction, MATERIAL_KPIS } from './contract.js';

/** The suggested term: three years, which people then correct. */
export const DEFAULT_TERM_MONTHS = 36;

const ZONE_FOR: Record<Jurisdiction, string> = {
  UK: 'Europe/London',
  EU: 'Europe/Brussels',
  US: 'America/New_York',
  CA: 'America/Toronto',
  other: 'UTC',
};

const JURISDICTION_FOR: Record<Currency, Jurisdiction> = { GBP: 'UK', EUR: 'EU', USD: 'US', CAD: 'CA' };

/** A KPI of the pack's library, with the cadence it would have on this contract (and its pack id, if any). */
export interface LibraryKpi {
  id: string;
  title: string;
  measure: string;
  target: string;
  cadence: ContractKpi['cadence'];
  cadenceId?: string;
}

/** A review cadence the pack offers, as a contract stores it. */
export interface CadenceChoice {
  id: string;
  label: string;
  cadence: ContractKpi['cadence'];
}

export interface RegistrationPrefill {
  dialogueId: string;
  title: string;
  supplier?: string;
  value?: { amount: number; currency: Currency | null };
  start: LocalDate;
  end: LocalDate;
  owner: UserRef;
  sro: UserRef;
  jurisdiction: Jurisdiction;
  timeZone: string;
  /** Every KPI the pack offers, in pack order. */
  library: LibraryKpi[];
  /** The review cadences the pack offers, in pack order. */
  cadences: CadenceChoice[];
  /** The KPIs selected at first (the triage outcome's KPI pack), their targets, and the material ones. */
  kpis: string[];
  targets: Record<string, string>;
  material: string[];
  triage?: Contract['triage'];
  /** The triage pack's UK KPI threshold: over it, a UK contract has the Procurement Act KPI and notice duties. */
  kpiThreshold?: { currency: Currency; over: number };
  /** The checklist not ready for award: registering now needs an admin and a reason (`why` says what is open). */
  early?: { why: string };
}

/** The proposed KPI's standard wording: what a Monitor consequence becomes on the form. */
export const PROPOSED_TARGET = 'No adverse change; reviewed with the supplier';
export const PROPOSED_CADENCE = 'quarterly';

/** Adds the KPIs a consequence scan proposed (Monitor items) to the form's library, selected. */
export function withProposals(
  prefill: RegistrationPrefill,
  proposals: { id: string; title: string }[],
): RegistrationPrefill {
  const fresh = proposals.filter((k) => !prefill.library.some((l) => l.id === k.id));
  if (!fresh.length) return prefill;
  const cadence = prefill.cadences.find((c) => c.id === PROPOSED_CADENCE) ?? prefill.cadences[0];
  const library: LibraryKpi[] = fresh.map((k) => ({
    id: k.id,
    title: k.title,
    measure: `Monitored from the consequence scan: ${k.title}`.slice(0, 500),
    target: PROPOSED_TARGET,
    cadence: cadence?.cadence ?? { months: 3 },
    ...(cadence ? { cadenceId: cadence.id } : {}),
  }));
  return {
    ...prefill,
    library: [...prefill.library, ...library],
    kpis: [...prefill.kpis, ...fresh.map((k) => k.id)],
    targets: { ...prefill.targets, ...Object.fromEntries(fresh.map((k) => [k.id, PROPOSED_TARGET])) },
  };
}

function cadenceOf(cadence: Cadence): ContractKpi['cadence'] {
  const months = (n: number) => Math.min(24, Math.max(1, Math.round(n)));
  return cadence.thenMonths === undefined
    ? { months: months(cadence.months) }
    : {
        months: months(cadence.months),
        thenMonths: months(cadence.thenMonths),
        firstMonths: cadence.firstMonths ?? LEGACY_FIRST_MONTHS,
      };
}

/** The form's starting point from a completed triage: its title, value, KPI pack, targets and cadences. */
export function prefillFromTriage(input: {
  dialogue: Dialogue;
  outcome: Outcome;
  pack: Pack;
  by: UserRef;
  /** The registering person's zone when known; otherwise one for the jurisdiction. */
  timeZone?: string;
  now: Date;
}): RegistrationPrefill {
  const { dialogue, outcome, pack, by } = input;
  const answer = dialogue.answers.contract_value?.value;
  const money = answer?.kind === 'text' ? parseMoney(answer.text) : null;
  const jurisdiction: Jurisdiction = money?.currency ? JURISDICTION_FOR[money.currency] : 'other';
  const timeZone = input.timeZone && isValidTimeZone(input.timeZone) ? input.timeZone : ZONE_FOR[jurisdiction];
  const start = localDateOf(input.now, timeZone);
  const tier: ScoredTier = outcome.tier === 'stop' ? 'critical' : outcome.tier;
  const threshold = kpiThreshold(pack);
  const fromOutcome = new Map(outcome.kpis.map((k) => [k.id, k]));
  const library = pack.rules.kpis.map((kpi): LibraryKpi => {
    const chosen = fromOutcome.get(kpi.id);
    const cadence = pack.cadences.find((c) => c.id === chosen?.cadenceId) ?? kpiCadence(pack, kpi, tier);
    return {
      id: kpi.id,
      title: kpi.title,
      measure: kpi.measure,
      target: chosen?.target ?? kpi.target,
      cadence: cadenceOf(cadence),
      cadenceId: cadence.id,
    };
  });
  const kpis = outcome.kpis.map((k) => k.id);
  return {
    dialogueId: dialogue.id,
    title: dialogue.title,
    ...(money ? { value: { amount: money.amount, currency: money.currency } } : {}),
    start,
    // A three-year term is only a suggestion: 1 Apr 2026 → 31 Mar 2029.
    end: addDays(addMonths(start, DEFAULT_TERM_MONTHS), -1),
    owner: by,
    sro: by,
    jurisdiction,
    timeZone,
    library,
    cadences: pack.cadences.map((c) => ({ id: c.id, label: c.label, cadence: cadenceOf(c) })),
    kpis,
    targets: Object.fromEntries(outcome.kpis.map((k) => [k.id, k.target])),
    material: kpis.slice(0, MATERIAL_KPIS),
    triage: {
      dialogueId: dialogue.id,
      tier: outcome.tier,
      score: outcome.score,
      max: outcome.max,
      packId: outcome.pack.id,
      packVersion: outcome.pack.version,
      packHash: outcome.pack.hash,
      tierLabel: outcomeLabels(pack).tier[outcome.tier],
    },
    ...(threshold && { kpiThreshold: threshold }),
  };
}

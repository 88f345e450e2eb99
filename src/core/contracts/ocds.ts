/**
 * A contract as an Open Contracting Data Standard 1.1 release (tag `implementation`): the KPIs as agreed metrics
 * (metrics extension), the recorded results as implementation observations rated on the UK Contract Performance
 * Notice scale (UK extension, `measureClassification`), and every review as an implementation milestone.
 */

import { addDays, isoInZone, type LocalDate, localDateOf, zonedInstant } from '../calendar.js';
import { BadInputError } from '../errors.js';
import { storedTierLabel } from '../triage/labels.js';
import { type Contract, type ContractResult, CPN_RATING } from './contract.js';
import { cadenceLabel } from './format.js';
import { isTracked, latestResults, type Obligation, type ObligationKind, obligationsOf } from './obligations.js';

export const OCDS_EXTENSIONS = {
  metrics: 'https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json',
  uk: 'https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json',
} as const;

/** The classification scheme of a CPN rating in `Observation.measureClassification`. */
export const CPN_SCHEME = 'UK_CPN';

export interface OcdsPeriod {
  startDate?: string;
  endDate?: string;
}
export interface OcdsValue {
  amount: number;
  currency: string;
}
export interface OcdsObservation {
  id: string;
  period?: OcdsPeriod;
  measure?: string | number;
  notes?: string;
  measureClassification?: { scheme: string; id: string; description: string };
  relatedImplementationMilestone?: { id: string; title?: string };
}
export interface OcdsMetric {
  id: string;
  title?: string;
  description?: string;
  observations?: OcdsObservation[];
}
export type OcdsMilestoneStatus = 'scheduled' | 'met' | 'notMet';
export interface OcdsMilestone {
  id: string;
  title: string;
  type: 'reporting' | 'assessment' | 'engagement';
  dueDate: string;
  status: OcdsMilestoneStatus;
  dateMet?: string;
}
export interface OcdsOrganizationReference {
  id: string;
  name: string;
}
export interface OcdsContract {
  id: string;
  awardID: string;
  title: string;
  description?: string;
  status: 'active' | 'terminated';
  value: OcdsValue;
  period: OcdsPeriod;
  agreedMetrics: OcdsMetric[];
  implementation: { metrics?: OcdsMetric[]; milestones?: OcdsMilestone[] };
}
export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  tag: ['implementation'];
  initiationType: 'tender';
  parties: (OcdsOrganizationReference & { roles: string[] })[];
  buyer: OcdsOrganizationReference;
  awards: {
    id: string;
    title: string;
    status: 'active';
    value: OcdsValue;
    suppliers: OcdsOrganizationReference[];
    contractPeriod: OcdsPeriod;
  }[];
  contracts: [OcdsContract];
}
export interface OcdsReleasePackage {
  uri: string;
  version: '1.1';
  publishedDate: string;
  publisher: { name: string };
  extensions: string[];
  releases: OcdsRelease[];
}

const MILESTONE_TYPE: Record<ObligationKind, OcdsMilestone['type']> = {
  kpi: 'reporting',
  cpn: 'reporting',
  'breach-cpn': 'reporting',
  docs: 'assessment',
  retriage: 'assessment',
  // OCDS milestoneType: a point where the buyer engages with others, here the supplier at a joint review.
  review: 'engagement',
};

/** The overall supplier rating of a Contract Performance Notice, beside the per-KPI metrics. */
export const CPN_METRIC_ID = 'CPN';

const utc = (instant: Date) => `${instant.toISOString().slice(0, 19)}Z`;

/** The first and the last second of the local day `date`, with the zone's offset. */
function dayStart(date: LocalDate, timeZone: string): string {
  return isoInZone(zonedInstant(date, 0, 0, timeZone), timeZone);
}
function dayEnd(date: LocalDate, timeZone: string): string {
  return isoInZone(new Date(zonedInstant(addDays(date, 1), 0, 0, timeZone).getTime() - 1000), timeZone);
}

/** '99.7' is published as a number; '99.7 %' or 'All incidents notified' stay text. */
function measureOf(value: string): string | number {
  return /^-?\d+(?:\.\d+)?$/.test(value) ? Number(value) : value;
}

/**
 * A correction carries what it replaced and why, in its notes: OCDS keeps one observation per period (the latest),
 * and a reader of the release still sees that it was corrected.
 */
function notesOf(result: ContractResult, replaced: ContractResult | undefined): string | undefined {
  const correction =
    result.replaces && result.reason
      ? `Corrects ${replaced ? `the result of ${replaced.at.slice(0, 10)} (${replaced.value})` : `result ${result.replaces}`}: ${result.reason}`
      : undefined;
  const notes = [result.note, correction].filter(Boolean).join(' ');
  return notes || undefined;
}

function observation(
  result: ContractResult,
  obligation: Obligation | undefined,
  timeZone: string,
  replaced?: ContractResult,
): OcdsObservation {
  const rating = result.rating ? CPN_RATING[result.rating] : undefined;
  const notes = notesOf(result, replaced);
  return {
    id: result.id,
    // The period reviewed: from the previous review (or the start) to the day before this one was due.
    ...(obligation
      ? {
          period: {
            startDate: dayStart(obligation.from, timeZone),
            endDate: dayEnd(addDays(obligation.due, -1), timeZone),
          },
        }
      : {}),
    measure: measureOf(result.value),
    ...(notes ? { notes } : {}),
    ...(rating ? { measureClassification: { scheme: CPN_SCHEME, id: rating.ocds, description: rating.label } } : {}),
    ...(obligation ? { relatedImplementationMilestone: { id: obligation.key, title: obligation.title } } : {}),
  };
}

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function agreedMetric(kpi: Contract['kpis'][number]): OcdsMetric {
  const description = [
    kpi.measure.trim() ? sentence(kpi.measure.trim()) : '',
    sentence(`Target: ${kpi.target}`),
    `Reviewed ${cadenceLabel(kpi.cadence).toLowerCase()}.`,
    kpi.material ? 'One of the 3 most material KPIs.' : '',
  ];
  return {
    id: kpi.id,
    title: kpi.title,
    description: description.filter(Boolean).join(' '),
    observations: [{ id: `${kpi.id}-target`, measure: kpi.target }],
  };
}

/** The series an obligation belongs to, so the export lists the next scheduled occurrence of each. */
const seriesOf = (o: Obligation) => (o.kind === 'breach-cpn' ? o.key : `${o.kind}:${o.kpiId ?? ''}`);

function milestones(
  contract: Contract,
  obligations: Obligation[],
  today: LocalDate,
  latest: Map<string, ContractResult>,
): OcdsMilestone[] {
  const nextOfSeries = new Set<string>();
  const out: OcdsMilestone[] = [];
  for (const obligation of obligations) {
    const result = latest.get(obligation.key);
    const past = obligation.due <= today;
    if (!result) {
      if (past && !isTracked(obligation, contract.trackedFrom)) continue;
      if (!past) {
        const series = seriesOf(obligation);
        if (nextOfSeries.has(series)) continue;
        nextOfSeries.add(series);
      }
    }
    out.push({
      id: obligation.key,
      title: obligation.title,
      type: MILESTONE_TYPE[obligation.kind],
      dueDate: dayEnd(obligation.due, contract.timeZone),
      status: result ? 'met' : obligation.due < today ? 'notMet' : 'scheduled',
      ...(result ? { dateMet: result.at } : {}),
    });
  }
  return out;
}

function implementationMetrics(
  contract: Contract,
  latest: Map<string, ContractResult>,
  byKey: Map<string, Obligation>,
): OcdsMetric[] {
  const observationsOf = (results: ContractResult[]) =>
    results
      .sort((a, b) => (byKey.get(a.obligation)?.due ?? a.at).localeCompare(byKey.get(b.obligation)?.due ?? b.at))
      .map((r) =>
        observation(
          r,
          byKey.get(r.obligation),
          contract.timeZone,
          contract.results.find((earlier) => earlier.id === r.replaces),
        ),
      );
  const counted = [...latest.values()];
  const metrics: OcdsMetric[] = [];
  for (const kpi of contract.kpis) {
    const results = counted.filter((r) => r.kpiId === kpi.id);
    if (results.length) metrics.push({ id: kpi.id, title: kpi.title, observations: observationsOf(results) });
  }
  const cpn = counted.filter((r) => byKey.get(r.obligation)?.kind === 'cpn');
  if (cpn.length) {
    metrics.push({
      id: CPN_METRIC_ID,
      title: 'Contract Performance Notice: overall rating',
      observations: observationsOf(cpn),
    });
  }
  return metrics;
}

/** One OCDS 1.1 `implementation` release for a contract, as of `now`. */
export function ocdsRelease(
  contract: Contract,
  options: { now: Date; ocidPrefix: string; buyerName?: string },
): OcdsRelease {
  const prefix = options.ocidPrefix.trim();
  if (!prefix || /\s/.test(prefix)) throw new BadInputError('The OCDS ocid prefix must be a word such as ocds-abc123.');
  const ocid = `${prefix}-${contract.id}`;
  const { timeZone } = contract;
  const today = localDateOf(options.now, timeZone);
  const latest = latestResults(contract);
  const obligations = obligationsOf(contract);
  const byKey = new Map(obligations.map((o) => [o.key, o]));
  const value = { amount: contract.value.amount, currency: contract.value.currency };
  const period = { startDate: dayStart(contract.start, timeZone), endDate: dayEnd(contract.end, timeZone) };
  const buyer = { id: 'buyer', name: options.buyerName?.trim() || 'Contracting authority' };
  const supplier = { id: 'supplier', name: contract.supplier };
  const awardID = `${contract.id}-award`;
  const metrics = implementationMetrics(contract, latest, byKey);
  const triage = contract.triage;
  return {
    ocid,
    id: `${ocid}-impl-${utc(options.now).replace(/[-:]/g, '')}`,
    date: utc(options.now),
    tag: ['implementation'],
    initiationType: 'tender',
    parties: [
      { ...buyer, roles: ['buyer'] },
      { ...supplier, roles: ['supplier', 'payee'] },
    ],
    buyer,
    awards: [
      { id: awardID, title: contract.title, status: 'active', value, suppliers: [supplier], contractPeriod: period },
    ],
    contracts: [
      {
        id: contract.id,
        awardID,
        title: contract.title,
        ...(triage
          ? {
              description: `AI system. Risk triage: ${storedTierLabel(triage.tier, triage.tierLabel)}, score ${triage.score} of ${triage.max} (question pack ${triage.packId} ${triage.packVersion}).`,
            }
          : {}),
        status: today > contract.end ? 'terminated' : 'active',
        value,
        period,
        agreedMetrics: contract.kpis.map(agreedMetric),
        implementation: {
          ...(metrics.length ? { metrics } : {}),
          milestones: milestones(contract, obligations, today, latest),
        },
      },
    ],
  };
}

/** Wraps releases for publication, declaring the extensions their fields come from. */
export function releasePackage(
  releases: OcdsRelease[],
  options: { now: Date; publisherName: string; uri?: string },
): OcdsReleasePackage {
  const stamp = utc(options.now);
  return {
    uri: options.uri ?? `urn:aiprocure:release-package:${releases[0]?.id ?? stamp.replace(/[-:]/g, '')}`,
    version: '1.1',
    publishedDate: stamp,
    publisher: { name: options.publisherName },
    extensions: [OCDS_EXTENSIONS.metrics, OCDS_EXTENSIONS.uk],
    releases,
  };
}

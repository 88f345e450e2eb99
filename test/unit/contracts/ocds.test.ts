import { describe, expect, it } from 'vitest';
import type { Contract } from '../../../src/core/contracts/contract.js';
import {
  CPN_METRIC_ID,
  OCDS_EXTENSIONS,
  type OcdsRelease,
  ocdsRelease,
  releasePackage,
} from '../../../src/core/contracts/ocds.js';
import { BadInputError } from '../../../src/core/errors.js';
import { CLERK, kpi, makeContract } from './helpers.js';
import { loadCoreValidator, loadReleaseValidator, OCDS_MISSING_MESSAGE } from './ocds-validator.js';

const validator = loadReleaseValidator();
if (!validator.official) console.warn(OCDS_MISSING_MESSAGE);

const OPTIONS = { ocidPrefix: 'ocds-abc123', buyerName: 'Northshire County Council' };
const at = (iso: string) => `${iso}T10:00:00.000Z`;
const result = (
  id: string,
  obligation: string,
  value: string,
  rating: Contract['results'][number]['rating'],
  day: string,
  note?: string,
) => ({
  id,
  obligation,
  ...(obligation.startsWith('kpi:') ? { kpiId: obligation.split(':')[1] } : {}),
  value,
  rating,
  ...(note ? { note } : {}),
  by: CLERK,
  at: at(day),
});

/** A UK contract a year in: results for some reviews (one corrected), a CPN, a breach, a documentation refresh. */
const busy = makeContract({
  results: [
    result('R1', 'kpi:K1:2026-05-01', '99.7', 'good', '2026-05-02'),
    result('R2', 'kpi:K1:2026-06-01', '98.1', 'requires_improvement', '2026-06-03', 'Two outages in week 3'),
    result('R3', 'kpi:K3:2026-07-01', '93 %', 'approaching', '2026-07-04'),
    result('R4', 'kpi:K1:2026-06-01', '99.1', 'approaching', '2026-06-10', 'Corrected: one outage was planned'),
    result('R5', 'cpn:2027-04-01', 'Published on Find a Tender', 'good', '2027-04-20'),
    { id: 'R6', obligation: 'docs:2027-04-01', value: 'AIA and DPIA updated', by: CLERK, at: at('2027-04-15') },
  ],
  breaches: [{ id: 'B1', on: '2027-03-01', note: 'Damages for the February outage', by: CLERK, at: at('2027-03-02') }],
});
const NOW_BUSY = new Date('2027-05-10T09:00:00Z');

const CASES: [string, Contract, Date][] = [
  ['a UK contract over £5m with results, a corrected result, a CPN and a breach', busy, NOW_BUSY],
  [
    'an EU contract with no results yet',
    makeContract({
      jurisdiction: 'EU',
      value: { amount: 2_500_000, currency: 'EUR' },
      cpnDuty: false,
      timeZone: 'Europe/Berlin',
      kpis: [kpi('K1', 'Service availability', { months: 1, thenMonths: 3 })],
    }),
    new Date('2026-09-15T12:00:00Z'),
  ],
  ['a contract that has ended', busy, new Date('2029-05-01T12:00:00Z')],
  [
    'a contract that has not started, in a part-hour zone',
    makeContract({ start: '2026-09-01', end: '2027-08-31', trackedFrom: '2026-06-01', timeZone: 'Asia/Kolkata' }),
    new Date('2026-06-01T06:00:00Z'),
  ],
];

const milestone = (release: OcdsRelease, id: string) =>
  release.contracts[0].implementation.milestones?.find((m) => m.id === id);
const metric = (release: OcdsRelease, id: string) =>
  release.contracts[0].implementation.metrics?.find((m) => m.id === id);

describe('the OCDS schema used for validation', () => {
  it('is OCDS 1.1 in JSON Schema draft-04 and does not forbid extension fields', () => {
    if (!validator.core) {
      console.warn(OCDS_MISSING_MESSAGE);
      // The fixture still carries the extension definitions the export relies on.
      expect(validator.validate({ contracts: [{ agreedMetrics: [{ id: 'K1' }] }] })).toEqual([]);
      return;
    }
    expect(validator.core.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(String(validator.core.id)).toMatch(/\/1__1__\d+\/release-schema\.json$/);
    const forbidding = JSON.stringify(validator.core).match(/"additionalProperties":\s*false/g) ?? [];
    expect(forbidding).toEqual([]);
    // So the published schema alone accepts the extension fields, which only the patched schema checks.
    expect(loadCoreValidator(validator.core)(ocdsRelease(busy, { now: NOW_BUSY, ...OPTIONS }))).toEqual([]);
  });

  it('rejects a broken release, so a passing export means something', () => {
    const release = structuredClone(ocdsRelease(busy, { now: NOW_BUSY, ...OPTIONS })) as unknown as Record<
      string,
      never
    >;
    const broken = JSON.parse(
      JSON.stringify(release).replace('"status":"met"', '"status":"done"').replace('"id":"K3-target"', '"id":""'),
    );
    const problems = validator.validate(broken);
    expect(problems.some((p) => p.includes('agreedMetrics'))).toBe(true);
    if (validator.official) expect(problems.some((p) => p.includes('milestones'))).toBe(true);
  });
});

describe('an OCDS implementation release', () => {
  it.each(CASES)('validates for %s', (_name, contract, now) => {
    const release = ocdsRelease(contract, { now, ...OPTIONS });
    expect(validator.validate(release)).toEqual([]);
    const pkg = releasePackage([release], { now, publisherName: 'Northshire County Council' });
    expect(validator.validate(pkg.releases[0])).toEqual([]);
  });

  it('names the process, the parties and the award the contract belongs to', () => {
    const release = ocdsRelease(busy, { now: NOW_BUSY, ...OPTIONS });
    expect(release).toMatchObject({
      ocid: 'ocds-abc123-C-7K2M9Q',
      id: 'ocds-abc123-C-7K2M9Q-impl-20270510T090000Z',
      date: '2027-05-10T09:00:00Z',
      tag: ['implementation'],
      initiationType: 'tender',
      buyer: { id: 'buyer', name: 'Northshire County Council' },
      parties: [
        { id: 'buyer', name: 'Northshire County Council', roles: ['buyer'] },
        { id: 'supplier', name: 'Acme Analytics Ltd', roles: ['supplier', 'payee'] },
      ],
    });
    const [contract] = release.contracts;
    expect(release.awards.map((a) => a.id)).toEqual([contract.awardID]);
    expect(release.awards[0]?.suppliers).toEqual([{ id: 'supplier', name: 'Acme Analytics Ltd' }]);
    expect(contract).toMatchObject({
      id: 'C-7K2M9Q',
      title: 'Housing benefit claim risk scoring',
      status: 'active',
      value: { amount: 6_200_000, currency: 'GBP' },
      period: { startDate: '2026-04-01T00:00:00+01:00', endDate: '2029-03-31T23:59:59+01:00' },
    });
    expect(ocdsRelease(busy, { now: new Date('2029-04-01T12:00:00Z'), ...OPTIONS }).contracts[0].status).toBe(
      'terminated',
    );
  });

  it('publishes every KPI as an agreed metric with its target', () => {
    const [contract] = ocdsRelease(busy, { now: NOW_BUSY, ...OPTIONS }).contracts;
    expect(contract.agreedMetrics.map((m) => m.id)).toEqual(['K1', 'K3', 'K12']);
    expect(contract.agreedMetrics[0]).toEqual({
      id: 'K1',
      title: 'Service availability',
      description:
        'Service availability measure. Target: Service availability target. Reviewed monthly. One of the 3 most material KPIs.',
      observations: [{ id: 'K1-target', measure: 'Service availability target' }],
    });
  });

  it('publishes the results that count as observations rated on the CPN scale, linked to their review', () => {
    const release = ocdsRelease(busy, { now: NOW_BUSY, ...OPTIONS });
    expect(release.contracts[0].implementation.metrics?.map((m) => m.id)).toEqual(['K1', 'K3', CPN_METRIC_ID]);
    expect(metric(release, 'K1')?.observations).toEqual([
      {
        id: 'R1',
        period: { startDate: '2026-04-01T00:00:00+01:00', endDate: '2026-04-30T23:59:59+01:00' },
        measure: 99.7,
        measureClassification: { scheme: 'UK_CPN', id: 'met', description: 'Good' },
        relatedImplementationMilestone: { id: 'kpi:K1:2026-05-01', title: 'K1 Service availability review' },
      },
      {
        // R2 was corrected by R4: only the result that counts is published.
        id: 'R4',
        period: { startDate: '2026-05-01T00:00:00+01:00', endDate: '2026-05-31T23:59:59+01:00' },
        measure: 99.1,
        notes: 'Corrected: one outage was planned',
        measureClassification: { scheme: 'UK_CPN', id: 'slightlyBelow', description: 'Approaching target' },
        relatedImplementationMilestone: { id: 'kpi:K1:2026-06-01', title: 'K1 Service availability review' },
      },
    ]);
    expect(metric(release, 'K3')?.observations?.[0]).toMatchObject({
      measure: '93 %',
      measureClassification: { id: 'slightlyBelow' },
    });
    expect(metric(release, CPN_METRIC_ID)?.observations?.[0]).toMatchObject({
      id: 'R5',
      period: { startDate: '2026-04-01T00:00:00+01:00', endDate: '2027-03-31T23:59:59+01:00' },
      measureClassification: { id: 'met', description: 'Good' },
    });
    const milestones = new Set(release.contracts[0].implementation.milestones?.map((m) => m.id));
    for (const m of release.contracts[0].implementation.metrics ?? []) {
      for (const o of m.observations ?? [])
        expect(milestones.has(o.relatedImplementationMilestone?.id ?? '')).toBe(true);
    }
  });

  it('lists reviews as milestones: met with the date, not met when overdue, and the next one scheduled', () => {
    const release = ocdsRelease(busy, { now: NOW_BUSY, ...OPTIONS });
    expect(milestone(release, 'kpi:K1:2026-05-01')).toEqual({
      id: 'kpi:K1:2026-05-01',
      title: 'K1 Service availability review',
      type: 'reporting',
      dueDate: '2026-05-01T23:59:59+01:00',
      status: 'met',
      dateMet: '2026-05-02T10:00:00.000Z',
    });
    expect(milestone(release, 'kpi:K1:2026-07-01')).toMatchObject({ status: 'notMet' });
    expect(milestone(release, 'kpi:K1:2026-07-01')).not.toHaveProperty('dateMet');
    expect(milestone(release, 'breach-cpn:B1')).toMatchObject({
      status: 'notMet',
      title: 'Breach: publish a CPN within 30 days',
    });
    expect(milestone(release, 'docs:2027-04-01')).toMatchObject({ status: 'met', type: 'assessment' });
    // A refresh is done or not: it has no rating and is not a metric.
    expect(JSON.stringify(release.contracts[0].implementation.metrics)).not.toContain('R6');
    expect(milestone(release, 'cpn:2027-04-01')).toMatchObject({ status: 'met', type: 'reporting' });
    const upcoming = (release.contracts[0].implementation.milestones ?? []).filter((m) => m.status === 'scheduled');
    expect(upcoming.map((m) => m.id)).toEqual([
      'kpi:K1:2027-06-01',
      'kpi:K3:2027-07-01',
      'kpi:K12:2027-07-01',
      'cpn:2028-04-01',
      'docs:2028-04-01',
      'retriage:2028-09-30',
    ]);
    // A review falls due at the end of its day: on the day itself it is still scheduled, the day after not met.
    const onTheDay = ocdsRelease(busy, { now: new Date('2027-06-01T20:00:00Z'), ...OPTIONS });
    expect(milestone(onTheDay, 'kpi:K1:2027-06-01')?.status).toBe('scheduled');
    const dayAfter = ocdsRelease(busy, { now: new Date('2027-06-02T08:00:00Z'), ...OPTIONS });
    expect(milestone(dayAfter, 'kpi:K1:2027-06-01')?.status).toBe('notMet');
  });

  it('leaves out reviews that fell due before the contract was registered, unless a result was recorded', () => {
    const late = makeContract({
      trackedFrom: '2026-08-15',
      results: [result('R1', 'kpi:K1:2026-06-01', '99.9', 'good', '2026-08-15')],
    });
    const ids = ocdsRelease(late, {
      now: new Date('2026-08-20T12:00:00Z'),
      ...OPTIONS,
    }).contracts[0].implementation.milestones?.map((m) => m.id);
    expect(ids).toEqual([
      'kpi:K1:2026-06-01',
      'kpi:K1:2026-09-01',
      'kpi:K3:2026-10-01',
      'kpi:K12:2026-10-01',
      'cpn:2027-04-01',
      'docs:2027-04-01',
      'retriage:2028-09-30',
    ]);
  });

  it('refuses an ocid prefix that is not one word', () => {
    expect(() => ocdsRelease(busy, { now: NOW_BUSY, ocidPrefix: ' ' })).toThrow(BadInputError);
    expect(() => ocdsRelease(busy, { now: NOW_BUSY, ocidPrefix: 'ocds abc' })).toThrow(BadInputError);
  });
});

describe('a release package', () => {
  it('declares the metrics and UK extensions and wraps the releases', () => {
    const release = ocdsRelease(busy, { now: NOW_BUSY, ...OPTIONS });
    const pkg = releasePackage([release], { now: NOW_BUSY, publisherName: 'Northshire County Council' });
    expect(pkg).toEqual({
      uri: `urn:aiprocure:release-package:${release.id}`,
      version: '1.1',
      publishedDate: '2027-05-10T09:00:00Z',
      publisher: { name: 'Northshire County Council' },
      extensions: [OCDS_EXTENSIONS.metrics, OCDS_EXTENSIONS.uk],
      releases: [release],
    });
    expect(OCDS_EXTENSIONS.metrics).toMatch(
      /^https:\/\/raw\.githubusercontent\.com\/open-contracting-extensions\/ocds_metrics_extension\//,
    );
    expect(OCDS_EXTENSIONS.uk).toMatch(/^https:\/\/raw\.githubusercontent\.com\/cabinetoffice\/ocds_uk_extension\//);
  });
});

describe('a corrected result in the release', () => {
  it('is the observation for its period, with what it replaced and why in its notes', () => {
    const corrected = makeContract({
      results: [
        result('R1', 'kpi:K1:2026-05-01', '99.7', 'good', '2026-05-02'),
        {
          ...result('R2', 'kpi:K1:2026-05-01', '99.4', 'approaching', '2026-05-03'),
          replaces: 'R1',
          reason: 'A planned outage had been left out',
        },
      ],
    });
    const release = ocdsRelease(corrected, { now: NOW_BUSY, ocidPrefix: 'ocds-test00' });
    const k1 = release.contracts?.[0]?.implementation?.metrics?.find((m) => m.id === 'K1');
    expect(k1?.observations).toHaveLength(1);
    expect(k1?.observations?.[0]).toMatchObject({
      id: 'R2',
      notes: 'Corrects the result of 2026-05-02 (99.7): A planned outage had been left out',
    });
  });
});

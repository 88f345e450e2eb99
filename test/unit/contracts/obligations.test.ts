import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../../src/core/calendar.js';
import {
  findObligation,
  type Obligation,
  obligationsOf,
  obligationsUntil,
  openItems,
} from '../../../src/core/contracts/obligations.js';
import { CLERK, kpi, makeContract } from './helpers.js';

const dues = (obligations: Obligation[], prefix: string) =>
  obligations.filter((o) => o.key.startsWith(prefix)).map((o) => o.due);

const result = (obligation: string, at = '2026-05-02T10:00:00.000Z') => ({
  id: `R-${obligation}`,
  obligation,
  value: '99.9',
  rating: 'good' as const,
  by: CLERK,
  at,
});

describe('the schedule of a contract', () => {
  it('reviews a KPI at the end of each cadence period from the start, up to the end date', () => {
    const contract = makeContract({ kpis: [kpi('K3', 'Task accuracy', { months: 3 })] });
    expect(dues(obligationsOf(contract), 'kpi:K3:')).toEqual([
      '2026-07-01',
      '2026-10-01',
      '2027-01-01',
      '2027-04-01',
      '2027-07-01',
      '2027-10-01',
      '2028-01-01',
      '2028-04-01',
      '2028-07-01',
      '2028-10-01',
      '2029-01-01',
    ]);
    const first = obligationsOf(contract).find((o) => o.kind === 'kpi');
    expect(first).toEqual({
      key: 'kpi:K3:2026-07-01',
      kind: 'kpi',
      due: '2026-07-01',
      from: '2026-04-01',
      title: 'K3 Task accuracy review',
      kpiId: 'K3',
    });
  });

  it('reviews monthly for the first 6 months, then quarterly (critical tier)', () => {
    const sixMonths = [
      '2026-05-01',
      '2026-06-01',
      '2026-07-01',
      '2026-08-01',
      '2026-09-01',
      '2026-10-01',
      '2027-01-01',
      '2027-04-01',
      '2027-07-01',
    ];
    const contract = makeContract({ kpis: [kpi('K1', 'Availability', { months: 1, thenMonths: 3, firstMonths: 6 })] });
    expect(dues(obligationsOf(contract), 'kpi:K1:').slice(0, 9)).toEqual(sixMonths);
    // A contract registered before pack 2026.12 stored no firstMonths: it still switches after 6.
    const older = makeContract({ kpis: [kpi('K1', 'Availability', { months: 1, thenMonths: 3 })] });
    expect(dues(obligationsOf(older), 'kpi:K1:').slice(0, 9)).toEqual(sixMonths);
  });

  it('switches a two-speed cadence after its own firstMonths', () => {
    const contract = makeContract({ kpis: [kpi('K1', 'Availability', { months: 1, thenMonths: 3, firstMonths: 3 })] });
    expect(dues(obligationsOf(contract), 'kpi:K1:').slice(0, 6)).toEqual([
      '2026-05-01',
      '2026-06-01',
      '2026-07-01',
      '2026-10-01',
      '2027-01-01',
      '2027-04-01',
    ]);
  });

  it('keeps month-end reviews on the month end instead of drifting to the 28th', () => {
    const contract = makeContract({
      start: '2026-01-31',
      end: '2027-01-30',
      trackedFrom: '2026-01-31',
      kpis: [kpi('K1', 'Availability', { months: 1 })],
    });
    expect(dues(obligationsOf(contract), 'kpi:K1:').slice(0, 4)).toEqual([
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
    ]);
    const leap = makeContract({
      start: '2024-02-29',
      end: '2029-02-27',
      trackedFrom: '2024-02-29',
      kpis: [kpi('K1', 'Availability', { months: 12 })],
    });
    expect(dues(obligationsOf(leap), 'kpi:K1:')).toEqual(['2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']);
  });

  it('schedules a Contract Performance Notice every 12 months and one at the end, only under the Act', () => {
    const contract = makeContract();
    expect(obligationsOf(contract).filter((o) => o.kind === 'cpn')).toEqual([
      {
        key: 'cpn:2027-04-01',
        kind: 'cpn',
        due: '2027-04-01',
        from: '2026-04-01',
        title: 'Contract Performance Notice due',
      },
      {
        key: 'cpn:2028-04-01',
        kind: 'cpn',
        due: '2028-04-01',
        from: '2027-04-01',
        title: 'Contract Performance Notice due',
      },
      {
        key: 'cpn-end:2029-03-31',
        kind: 'cpn',
        due: '2029-03-31',
        from: '2028-04-01',
        title: 'Final Contract Performance Notice due (end of contract)',
      },
    ]);
    // A contract of exactly 3 years: the third anniversary is the end, so one notice, not two.
    const exact = makeContract({ end: '2029-04-01' });
    expect(dues(obligationsOf(exact), 'cpn')).toEqual(['2027-04-01', '2028-04-01', '2029-04-01']);
    const noDuty = makeContract({ cpnDuty: false, jurisdiction: 'EU', value: { amount: 6_200_000, currency: 'EUR' } });
    expect(obligationsOf(noDuty).filter((o) => o.kind === 'cpn')).toEqual([]);
  });

  it('gives a breach a 30-day clock: a CPN under the Act, a review otherwise', () => {
    const breach = {
      id: 'B1',
      on: '2026-05-10',
      note: 'Outage damages agreed',
      by: CLERK,
      at: '2026-05-10T12:00:00.000Z',
    };
    const withDuty = findObligation(makeContract({ breaches: [breach] }), 'breach-cpn:B1');
    expect(withDuty).toMatchObject({
      due: '2026-06-09',
      from: '2026-05-10',
      title: 'Breach: publish a CPN within 30 days',
    });
    const without = findObligation(makeContract({ cpnDuty: false, breaches: [breach] }), 'breach-cpn:B1');
    expect(without).toMatchObject({ due: '2026-06-09', title: 'Breach: review within 30 days' });
  });

  it('asks for a documentation refresh every year and a re-triage 6 months before the end', () => {
    const all = obligationsOf(makeContract());
    expect(all.filter((o) => o.kind === 'docs').map((o) => [o.due, o.title])).toEqual([
      ['2027-04-01', 'Documentation refresh (AIA, ATRS, FactSheet, DPIA)'],
      ['2028-04-01', 'Documentation refresh (AIA, ATRS, FactSheet, DPIA)'],
    ]);
    expect(all.filter((o) => o.kind === 'retriage')).toEqual([
      {
        key: 'retriage:2028-09-30',
        kind: 'retriage',
        due: '2028-09-30',
        from: '2026-04-01',
        title: 'Re-triage before renewal',
      },
    ]);
    const short = makeContract({ end: '2026-09-15' });
    expect(obligationsOf(short).filter((o) => o.kind === 'retriage' || o.kind === 'docs')).toEqual([]);
  });

  it('stays bounded for a 20-year contract with monthly KPIs', () => {
    const kpis = Array.from({ length: 10 }, (_, i) => kpi(`K${i + 1}`, `KPI ${i + 1}`, { months: 1 }));
    const contract = makeContract({ start: '2026-01-01', end: '2045-12-31', trackedFrom: '2026-01-01', kpis });
    const all = obligationsOf(contract);
    // 239 monthly reviews per KPI (the 240th falls after the end), 19 + 1 notices, 19 refreshes, 1 re-triage.
    expect(all.length).toBe(10 * 239 + 20 + 19 + 1);
  });

  it('has unique keys, sorted dues inside the contract, and finds each obligation by key', () => {
    const cadence = fc.constantFrom(
      { months: 1 },
      { months: 3 },
      { months: 6 },
      { months: 12 },
      { months: 1, thenMonths: 3 },
      { months: 1, thenMonths: 3, firstMonths: 6 },
      { months: 1, thenMonths: 3, firstMonths: 3 },
      { months: 3, thenMonths: 12, firstMonths: 12 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 30, max: 3650 }),
        fc.array(cadence, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (startDay, length, cadences, cpnDuty) => {
          const start = addDays('2024-01-01', startDay);
          const end = addDays(start, length);
          const contract = makeContract({
            start,
            end,
            trackedFrom: start,
            cpnDuty,
            kpis: cadences.map((c, i) => kpi(`K${i + 1}`, `KPI ${i + 1}`, c)),
          });
          const all = obligationsOf(contract);
          expect(new Set(all.map((o) => o.key)).size).toBe(all.length);
          for (let i = 1; i < all.length; i += 1) expect(all[i - 1]!.due <= all[i]!.due).toBe(true);
          for (const o of all) {
            expect(o.due > start && o.due <= end, o.key).toBe(true);
            expect(o.from < o.due, o.key).toBe(true);
          }
          const sample = all[Math.floor(all.length / 2)];
          if (sample) expect(findObligation(contract, sample.key)).toEqual(sample);
          const until = addMonths(start, 7);
          expect(obligationsUntil(contract, until)).toEqual(all.filter((o) => o.due <= until));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('what is open on a given day', () => {
  const contract = makeContract({ kpis: [kpi('K1', 'Service availability', { months: 1 })], cpnDuty: false });

  it('lists items due within the next 7 days as upcoming, today as today, and earlier ones as overdue', () => {
    expect(openItems(contract, '2026-04-24').map((i) => [i.obligation.key, i.status])).toEqual([
      ['kpi:K1:2026-05-01', 'upcoming'],
    ]);
    expect(openItems(contract, '2026-04-23')).toEqual([]);
    expect(openItems(contract, '2026-05-01')[0]).toMatchObject({ status: 'today', overdueDays: 0, escalate: 'none' });
    expect(openItems(contract, '2026-05-02')[0]).toMatchObject({ status: 'overdue', overdueDays: 1, escalate: 'none' });
    expect(openItems(contract, '2026-04-20', 11).map((i) => i.obligation.key)).toEqual(['kpi:K1:2026-05-01']);
  });

  it('escalates to the owner at 7 days overdue and to the SRO at 14', () => {
    const on = (days: number) => openItems(contract, addDays('2026-05-01', days))[0];
    expect(on(6)).toMatchObject({ overdueDays: 6, escalate: 'none' });
    expect(on(7)).toMatchObject({ overdueDays: 7, escalate: 'owner' });
    expect(on(13)).toMatchObject({ overdueDays: 13, escalate: 'owner' });
    expect(on(14)).toMatchObject({ overdueDays: 14, escalate: 'sro' });
  });

  it('drops an item once a result is recorded for it', () => {
    const done = { ...contract, results: [result('kpi:K1:2026-05-01')] };
    expect(openItems(done, '2026-05-03')).toEqual([]);
    expect(openItems(done, '2026-05-28').map((i) => i.obligation.key)).toEqual(['kpi:K1:2026-06-01']);
  });

  it('hides a snoozed item until its date, then shows it again with the days still counting from the due date', () => {
    const snoozed = { ...contract, snoozes: { 'kpi:K1:2026-05-01': '2026-05-10' } };
    expect(openItems(snoozed, '2026-05-03')).toEqual([]);
    expect(openItems(snoozed, '2026-05-09')).toEqual([]);
    expect(openItems(snoozed, '2026-05-10')[0]).toMatchObject({ overdueDays: 9, escalate: 'owner' });
  });

  it('does not remind of what fell due before the contract was registered, except a logged breach', () => {
    const late = makeContract({
      trackedFrom: '2026-09-15',
      cpnDuty: true,
      kpis: [kpi('K1', 'Availability', { months: 1 })],
      breaches: [{ id: 'B1', on: '2026-08-01', note: 'Data breach', by: CLERK, at: '2026-09-15T09:00:00.000Z' }],
    });
    expect(openItems(late, '2026-09-15').map((i) => i.obligation.key)).toEqual(['breach-cpn:B1']);
    expect(openItems(late, '2026-10-01').map((i) => i.obligation.key)).toEqual(['breach-cpn:B1', 'kpi:K1:2026-10-01']);
  });

  it('sorts open items by due date, overdue first', () => {
    const busy = makeContract({ trackedFrom: '2026-04-01' });
    const keys = openItems(busy, '2026-07-03').map((i) => i.obligation.key);
    expect(keys).toEqual([
      'kpi:K1:2026-05-01',
      'kpi:K1:2026-06-01',
      'kpi:K1:2026-07-01',
      'kpi:K3:2026-07-01',
      'kpi:K12:2026-07-01',
    ]);
  });
});

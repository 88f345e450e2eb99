import { describe, expect, it } from 'vitest';
import {
  CONTRACT_ID,
  ContractSchema,
  CPN_RATING,
  CPN_RATINGS,
  hasCpnDuty,
  newContractId,
  nextSequenceId,
  normaliseContractId,
} from '../../../src/core/contracts/contract.js';
import { kpiThreshold } from '../../../src/core/triage/labels.js';
import { pack } from '../triage-helpers.js';
import { kpi, makeContract } from './helpers.js';

describe('the contract record', () => {
  it('reads back a valid record and refuses broken ones with the field at fault', () => {
    const contract = makeContract();
    expect(ContractSchema.parse(JSON.parse(JSON.stringify(contract)))).toEqual(contract);
    const problems = (patch: Record<string, unknown>) =>
      ContractSchema.safeParse({ ...contract, ...patch }).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(problems({ end: '2026-04-01' })).toEqual(['end']);
    expect(problems({ end: '2047-04-01' })).toEqual(['end']);
    expect(problems({ start: '2026-02-30' })).toEqual(['start']);
    expect(problems({ timeZone: 'Europe/Londn' })).toEqual(['timeZone']);
    expect(problems({ id: 'C-ILOU00' })).toEqual(['id']);
    expect(problems({ kpis: [] })).toEqual(['kpis']);
    expect(problems({ kpis: [kpi('K1', 'A', { months: 1 }), kpi('K1', 'B', { months: 3 })] })).toEqual(['kpis']);
    expect(problems({ kpis: [kpi('K1', 'A', { months: 0 })] })).toEqual(['kpis.0.cadence.months']);
    expect(problems({ value: { amount: -1, currency: 'GBP' } })).toEqual(['value.amount']);
    expect(problems({ value: { amount: 1, currency: 'JPY' } })).toEqual(['value.currency']);
    expect(problems({ snoozes: { 'kpi:K1:2026-05-01': 'next week' } })).toEqual(['snoozes.kpi:K1:2026-05-01']);
    expect(problems({ extra: true })).toEqual(['']);
  });

  it("applies the Procurement Act duty to UK contracts over the pack's threshold (£5 million in pounds) only", () => {
    const threshold = kpiThreshold(pack);
    expect(threshold).toEqual({ currency: 'GBP', over: 5_000_000 });
    const duty = (jurisdiction: 'UK' | 'EU', amount: number, currency: string) =>
      hasCpnDuty({ jurisdiction, value: { amount, currency } }, threshold);
    // A pack that sets no threshold imposes no duty: the rule lives in the pack, not here.
    expect(hasCpnDuty({ jurisdiction: 'UK', value: { amount: 9e9, currency: 'GBP' } }, undefined)).toBe(false);
    expect(
      hasCpnDuty({ jurisdiction: 'UK', value: { amount: 2e6, currency: 'GBP' } }, { currency: 'GBP', over: 1e6 }),
    ).toBe(true);
    expect(duty('UK', 6_200_000, 'GBP')).toBe(true);
    expect(duty('UK', 5_000_000.01, 'GBP')).toBe(true);
    expect(duty('UK', 5_000_000, 'GBP')).toBe(false);
    expect(duty('UK', 9_000_000, 'EUR')).toBe(false);
    expect(duty('EU', 9_000_000, 'GBP')).toBe(false);
  });

  it('rates on the Contract Performance Notice scale with the UK OCDS ids', () => {
    expect(CPN_RATINGS.map((r) => [CPN_RATING[r].label, CPN_RATING[r].ocds])).toEqual([
      ['Good', 'met'],
      ['Approaching target', 'slightlyBelow'],
      ['Requires improvement', 'below'],
      ['Inadequate', 'significantlyBelow'],
      ['Other', 'other'],
    ]);
  });

  it('makes short ids people can read out, and accepts them typed loosely', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newContractId()));
    for (const id of ids) expect(id).toMatch(CONTRACT_ID);
    expect(ids.size).toBeGreaterThan(190);
    let n = 0;
    expect(newContractId(() => n++ % 32)).toBe('C-012345');
    expect(normaliseContractId(' c-7k2m9q ')).toBe('C-7K2M9Q');
    expect(normaliseContractId('C7K2M9Q')).toBe('C-7K2M9Q');
    expect(normaliseContractId('c-7k2mlo')).toBe('C-7K2M10');
  });

  it('numbers results and breaches in sequence, after the highest so far', () => {
    expect(nextSequenceId('R', [])).toBe('R1');
    expect(nextSequenceId('R', [{ id: 'R1' }, { id: 'R7' }, { id: 'B9' }])).toBe('R8');
    expect(nextSequenceId('B', [{ id: 'B2' }])).toBe('B3');
  });
});

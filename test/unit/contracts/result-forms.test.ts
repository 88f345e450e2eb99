import { describe, expect, it } from 'vitest';
import { ContractActions } from '../../../src/core/contracts/actions.js';
import { BreachSchema, ResultSchema } from '../../../src/core/contracts/contract.js';
import { findObligation, type Obligation } from '../../../src/core/contracts/obligations.js';
import {
  BreachFields,
  breachForm,
  parseBreach,
  parseResult,
  ResultFields,
  resultForm,
} from '../../../src/core/contracts/result-forms.js';
import { plainText } from '../../../src/core/view.js';
import { CLERK, makeContract } from './helpers.js';

const NOW = new Date('2026-07-03T10:00:00Z');
const contract = makeContract();
const obligation = (key: string): Obligation => {
  const found = findObligation(contract, key);
  if (!found) throw new Error(`no obligation ${key}`);
  return found;
};
const k3 = obligation('kpi:K3:2026-07-01');

describe('recording a result', () => {
  it('asks for the result, a rating on the CPN scale and an optional note, showing the target', () => {
    const form = resultForm(contract, k3);
    expect(form.title).toBe('Record result');
    expect(form.submit).toEqual({
      id: ContractActions.submitResult,
      label: 'Record',
      value: { c: contract.id, k: 'kpi:K3:2026-07-01' },
      style: 'primary',
    });
    expect(form.fields.map((f) => [f.id, f.kind, 'optional' in f && f.optional === true])).toEqual([
      [ResultFields.value, 'text', false],
      [ResultFields.rating, 'select', false],
      [ResultFields.note, 'text', true],
    ]);
    const rating = form.fields[1];
    expect(rating?.kind === 'select' && rating.options.map((o) => o.label)).toEqual([
      'Good',
      'Approaching target',
      'Requires improvement',
      'Inadequate',
      'Other',
    ]);
    const intro = plainText(form.intro ?? []);
    expect(intro).toContain('K3 Task accuracy or quality review');
    expect(intro).toContain('covers 1 Apr 2026 to 1 Jul 2026');
    expect(intro).toContain('target: Task accuracy or quality target');
  });

  it('says when a result is already recorded and the new one replaces it', () => {
    const done = makeContract({
      results: [
        {
          id: 'R1',
          obligation: k3.key,
          kpiId: 'K3',
          value: '93 %',
          rating: 'approaching',
          by: CLERK,
          at: NOW.toISOString(),
        },
      ],
    });
    expect(plainText(resultForm(done, k3).intro ?? [])).toContain('already recorded: 93 % (Approaching target)');
  });

  it('corrects an earlier result only with a reason, and keeps which one it replaces', () => {
    const earlier = { id: 'R1', obligation: k3.key, kpiId: 'K3', value: '93 %', by: CLERK, at: NOW.toISOString() };
    const done = makeContract({ results: [{ ...earlier, rating: 'approaching' }] });
    const form = resultForm(done, k3);
    expect(form.fields.map((f) => f.id)).toEqual([
      ResultFields.value,
      ResultFields.rating,
      ResultFields.note,
      ResultFields.reason,
    ]);
    const ctx = { contract: done, obligation: k3, by: CLERK, now: NOW };
    expect(parseResult({ value: '95 %', rating: 'good' }, ctx)).toEqual({
      ok: false,
      errors: { reason: 'Say why the earlier result is corrected.' },
    });
    const parsed = parseResult({ value: '95 %', rating: 'good', reason: 'Recounted by the supplier' }, ctx);
    expect(parsed.ok && parsed.result).toMatchObject({ id: 'R2', replaces: 'R1', reason: 'Recounted by the supplier' });
    expect(parsed.ok && ResultSchema.safeParse(parsed.result).success).toBe(true);
    // A first result asks no reason.
    expect(resultForm(makeContract({ results: [] }), k3).fields.map((f) => f.id)).not.toContain(ResultFields.reason);
  });

  it('stores the result against the obligation and KPI, numbered after earlier ones', () => {
    const parsed = parseResult(
      { value: ' 96.2 % ', rating: 'good', note: '' },
      { contract: makeContract({ results: [] }), obligation: k3, by: CLERK, now: NOW },
    );
    expect(parsed).toEqual({
      ok: true,
      result: {
        id: 'R1',
        obligation: 'kpi:K3:2026-07-01',
        kpiId: 'K3',
        value: '96.2 %',
        rating: 'good',
        by: CLERK,
        at: NOW.toISOString(),
      },
    });
    if (parsed.ok) expect(ResultSchema.parse(parsed.result)).toEqual(parsed.result);
    const cpn = parseResult(
      { value: 'Published', rating: 'other', note: 'UK9 notice 2027/123' },
      {
        contract: makeContract({ results: parsed.ok ? [parsed.result] : [] }),
        obligation: obligation('cpn:2027-04-01'),
        by: CLERK,
        now: NOW,
      },
    );
    expect(cpn.ok && cpn.result).toMatchObject({ id: 'R2', note: 'UK9 notice 2027/123' });
    expect(cpn.ok && 'kpiId' in cpn.result).toBe(false);
  });

  it('asks only what was done for a documentation refresh, a re-triage or a breach follow-up: no rating', () => {
    for (const key of ['docs:2027-04-01', 'retriage:2028-09-30']) {
      const form = resultForm(contract, obligation(key));
      expect(form.fields.map((f) => f.id)).toEqual([ResultFields.value, ResultFields.note]);
      expect(form.fields[0]).toMatchObject({ label: 'What was done' });
      const parsed = parseResult(
        { value: 'AIA and DPIA updated', rating: 'good' },
        { contract, obligation: obligation(key), by: CLERK, now: NOW },
      );
      expect(parsed.ok && parsed.result).toEqual({
        id: 'R1',
        obligation: key,
        value: 'AIA and DPIA updated',
        by: CLERK,
        at: NOW.toISOString(),
      });
    }
  });

  it('puts each mistake beside its field', () => {
    const errors = (values: Record<string, string>) => {
      const parsed = parseResult(values, { contract, obligation: k3, by: CLERK, now: NOW });
      return parsed.ok ? {} : parsed.errors;
    };
    expect(errors({})).toEqual({ value: 'Enter the result, e.g. 99.7 % uptime.', rating: 'Choose a rating.' });
    expect(errors({ value: 'x', rating: 'excellent' })).toEqual({ rating: 'Choose a rating.' });
    expect(errors({ value: 'x'.repeat(501), rating: 'good', note: 'n'.repeat(2001) })).toEqual({
      value: 'Keep the result under 500 characters (it is 501).',
      note: 'Keep the note under 2000 characters (it is 2001).',
    });
  });

  it('draws the submitted values again beside the errors', () => {
    const form = resultForm(contract, k3, { rating: 'Choose a rating.' }, { value: '91 %', note: 'Batch late' });
    expect(form.errors).toEqual({ rating: 'Choose a rating.' });
    expect(form.fields.map((f) => ('initial' in f ? f.initial : undefined))).toEqual(['91 %', undefined, 'Batch late']);
  });
});

describe('logging a breach', () => {
  it('explains the 30-day notice under the Act, or a review otherwise, and defaults the date to today', () => {
    const form = breachForm(contract, '2026-07-03');
    expect(form.submit).toMatchObject({ id: ContractActions.submitBreach, value: { c: contract.id } });
    expect(plainText(form.intro ?? [])).toContain('Contract Performance Notice within 30 days');
    expect(form.fields[0]).toMatchObject({ id: BreachFields.on, kind: 'date', initial: '2026-07-03' });
    const noDuty = breachForm(makeContract({ cpnDuty: false }), '2026-07-03');
    expect(plainText(noDuty.intro ?? [])).toContain('A breach review falls due 30 days after the breach');
  });

  it('stores the breach with the next number', () => {
    const earlier = { id: 'B1', on: '2026-05-01', note: 'First', by: CLERK, at: NOW.toISOString() };
    const parsed = parseBreach(
      { on: '2026-07-01', note: 'Damages agreed for the 30 June outage' },
      { contract: makeContract({ breaches: [earlier] }), by: CLERK, now: NOW, today: '2026-07-03' },
    );
    expect(parsed).toEqual({
      ok: true,
      breach: {
        id: 'B2',
        on: '2026-07-01',
        note: 'Damages agreed for the 30 June outage',
        by: CLERK,
        at: NOW.toISOString(),
      },
    });
    if (parsed.ok) expect(BreachSchema.parse(parsed.breach)).toEqual(parsed.breach);
  });

  it.each([
    [{}, { on: 'Choose the date of the breach.', note: 'Say what happened.' }],
    [{ on: '3 July', note: 'x' }, { on: 'Write the date as YYYY-MM-DD, e.g. 2026-04-01.' }],
    [{ on: '2026-07-04', note: 'x' }, { on: 'The date cannot be in the future.' }],
    [{ on: '2026-03-31', note: 'x' }, { on: 'The contract started on 1 Apr 2026: choose a date since then.' }],
    [
      { on: '2026-07-01', note: 'n'.repeat(1001) },
      { note: 'Keep the description under 1000 characters (it is 1001).' },
    ],
  ] as [Record<string, string>, Record<string, string>][])('%j → %j', (values, expected) => {
    const parsed = parseBreach(values, { contract, by: CLERK, now: NOW, today: '2026-07-03' });
    expect(parsed.ok ? {} : parsed.errors).toEqual(expected);
  });

  it('draws the submitted values again beside the errors', () => {
    const form = breachForm(contract, '2026-07-03', { note: 'Say what happened.' }, { on: '2026-06-30', note: '' });
    expect(form.errors).toEqual({ note: 'Say what happened.' });
    expect(form.fields.map((f) => ('initial' in f ? f.initial : undefined))).toEqual(['2026-06-30', '']);
  });
});

import { describe, expect, it } from 'vitest';
import { ContractActions } from '../../../src/core/contracts/actions.js';
import { ContractSchema } from '../../../src/core/contracts/contract.js';
import {
  cadenceField,
  RegistrationFields as F,
  registrationForm,
  targetField,
} from '../../../src/core/contracts/registration-form.js';
import { parseRegistration, type RegistrationContext } from '../../../src/core/contracts/registration-parse.js';
import { prefillFromTriage, type RegistrationPrefill } from '../../../src/core/contracts/registration-prefill.js';
import { evaluate } from '../../../src/core/triage/engine.js';
import { kpiThreshold } from '../../../src/core/triage/labels.js';
import type { FormField, FormValues, FormView } from '../../../src/core/view.js';
import { DK, fixture, pack } from '../triage-helpers.js';
import { CLERK, completedDialogue, SRO } from './helpers.js';

const NOW = new Date('2026-04-01T08:30:00Z');
const benefits = fixture('benefits-scoring');
const dialogue = completedDialogue(pack, benefits);
const outcome = evaluate(pack, benefits.answers);
const prefill = prefillFromTriage({ dialogue, outcome, pack, by: CLERK, timeZone: 'Europe/London', now: NOW });

/**
 * What a person submits when they accept the prefilled form as it stands (plus the supplier, which is blank);
 * people as a user picker sends them.
 */
function initialValues(form: FormView): FormValues {
  const values: FormValues = {};
  for (const field of form.fields) {
    if (field.kind === 'multiselect') values[field.id] = field.initial ?? [];
    else if (field.kind === 'user') values[field.id] = field.initial && `user:${field.initial.id}`;
    else values[field.id] = field.initial;
  }
  return { ...values, [F.supplier]: 'Acme Analytics Ltd' };
}

const ctx = (over: Partial<RegistrationContext> = {}): RegistrationContext => ({
  id: 'C-7K2M9Q',
  tenant: 'slack_T1',
  platform: 'slack',
  channel: 'C0PROCURE',
  prefill,
  by: CLERK,
  now: NOW,
  ...over,
});

const accepted = initialValues(registrationForm(prefill));
const errorsFor = (patch: FormValues, p: RegistrationPrefill = prefill) => {
  const parsed = parseRegistration({ ...accepted, ...patch }, ctx({ prefill: p }));
  return parsed.ok ? {} : parsed.errors;
};
const field = (form: FormView, id: string): FormField | undefined => form.fields.find((f) => f.id === id);

describe('prefill from a completed triage', () => {
  it('takes the title, the £6.2m value, the UK jurisdiction and the KPI pack with its targets and cadences', () => {
    expect(outcome.tier).toBe('high');
    expect(prefill).toMatchObject({
      dialogueId: dialogue.id,
      title: 'Housing benefit claim risk scoring',
      value: { amount: 6_200_000, currency: 'GBP' },
      jurisdiction: 'UK',
      timeZone: 'Europe/London',
      start: '2026-04-01',
      end: '2029-03-31',
      owner: CLERK,
      sro: CLERK,
      kpis: outcome.kpis.map((k) => k.id),
      material: ['K1', 'K3', 'K4'],
      triage: {
        dialogueId: dialogue.id,
        tier: 'high',
        tierLabel: 'High',
        score: outcome.score,
        max: outcome.max,
        packHash: pack.hash,
      },
      kpiThreshold: { currency: 'GBP', over: 5_000_000 },
    });
    expect(prefill.targets.K1).toBe(outcome.kpis.find((k) => k.id === 'K1')?.target);
    const cadence = (id: string) => prefill.library.find((k) => k.id === id)?.cadence;
    expect(cadence('K1')).toEqual({ months: 1 }); // its own monthly cadence beats the tier's quarterly
    expect(cadence('K3')).toEqual({ months: 3 }); // high tier: quarterly
    const cadenceId = (id: string) => prefill.library.find((k) => k.id === id)?.cadenceId;
    expect([cadenceId('K1'), cadenceId('K3')]).toEqual(['monthly', 'quarterly']);
    expect(prefill.library.map((k) => k.id)).toEqual(pack.rules.kpis.map((k) => k.id));
    expect(prefill.cadences).toEqual([
      { id: 'monthly', label: 'Monthly', cadence: { months: 1 } },
      {
        id: 'monthly_then_quarterly',
        label: 'Monthly for the first 6 months, then quarterly',
        cadence: { months: 1, thenMonths: 3, firstMonths: 6 },
      },
      { id: 'quarterly', label: 'Quarterly', cadence: { months: 3 } },
      { id: 'six_monthly', label: 'Every 6 months', cadence: { months: 6 } },
      { id: 'annual', label: 'Annually', cadence: { months: 12 } },
    ]);
  });

  it('carries the pack’s two-speed switch (6 months) and its KPI threshold (£5m)', () => {
    expect(pack.cadences.find((c) => c.id === 'monthly_then_quarterly')).toMatchObject({ firstMonths: 6 });
    expect(prefill.cadences.find((c) => c.id === 'monthly_then_quarterly')?.cadence).toEqual({
      months: 1,
      thenMonths: 3,
      firstMonths: 6,
    });
    expect(prefill.kpiThreshold).toEqual(kpiThreshold(pack));
    expect(prefill.kpiThreshold).toEqual({ currency: 'GBP', over: 5_000_000 });
    // A critical triage prefills the two-speed cadence on its KPIs, with the switch.
    const critical = fixture('automated-enforcement');
    const big = prefillFromTriage({
      dialogue: completedDialogue(pack, critical),
      outcome: evaluate(pack, critical.answers),
      pack,
      by: CLERK,
      now: NOW,
    });
    const k3 = big.library.find((k) => k.id === 'K3');
    expect(k3).toMatchObject({
      cadenceId: 'monthly_then_quarterly',
      cadence: { months: 1, thenMonths: 3, firstMonths: 6 },
    });
    // The form says the pack's threshold.
    expect(field(registrationForm(prefill), F.kpis)?.hint).toContain('UK contracts over £5m need at least 3');
  });

  it('reads other currencies as their jurisdictions and falls back to a zone for the jurisdiction', () => {
    const withValue = (text?: string) => {
      const value = text === undefined ? DK : { kind: 'text' as const, text };
      const answers = { ...benefits.answers, contract_value: value };
      const d = completedDialogue(pack, { title: 'X', answers });
      return prefillFromTriage({ dialogue: d, outcome: evaluate(pack, answers), pack, by: CLERK, now: NOW });
    };
    expect(withValue('€3 million')).toMatchObject({ jurisdiction: 'EU', timeZone: 'Europe/Brussels' });
    expect(withValue('$750k')).toMatchObject({ jurisdiction: 'US', timeZone: 'America/New_York' });
    expect(withValue('CAD 12m')).toMatchObject({ jurisdiction: 'CA', timeZone: 'America/Toronto' });
    const unknown = withValue();
    expect(unknown).toMatchObject({ jurisdiction: 'other', timeZone: 'UTC' });
    expect(unknown.value).toBeUndefined();
    expect(field(registrationForm(unknown), F.value)).toMatchObject({ initial: undefined });
  });

  it('starts today in the registering person’s zone', () => {
    const late = new Date('2026-03-31T23:30:00Z');
    expect(prefillFromTriage({ dialogue, outcome, pack, by: CLERK, timeZone: 'Europe/London', now: late }).start).toBe(
      '2026-04-01',
    );
    expect(
      prefillFromTriage({ dialogue, outcome, pack, by: CLERK, timeZone: 'America/Toronto', now: late }).start,
    ).toBe('2026-03-31');
  });
});

describe('the registration form', () => {
  const form = registrationForm(prefill);

  it('has every field, the KPI library to choose from, and a target and cadence per prefilled KPI', () => {
    expect(form.title.length).toBeLessThanOrEqual(24);
    expect(form.submit).toEqual({
      id: ContractActions.submitRegistration,
      label: 'Register',
      value: { d: dialogue.id },
      style: 'primary',
    });
    expect(form.fields.slice(0, 12).map((f) => [f.id, f.kind])).toEqual([
      ['title', 'text'],
      ['supplier', 'text'],
      ['value', 'text'],
      ['currency', 'select'],
      ['start', 'date'],
      ['end', 'date'],
      ['owner', 'user'],
      ['sro', 'user'],
      ['jurisdiction', 'select'],
      ['timeZone', 'select'],
      ['kpis', 'multiselect'],
      ['material', 'multiselect'],
    ]);
    expect(form.fields.slice(12).map((f) => f.id)).toEqual(
      outcome.kpis.flatMap((k) => [targetField(k.id), cadenceField(k.id)]),
    );
    expect(field(form, F.value)).toMatchObject({ initial: '6,200,000' });
    expect(field(form, F.kpis)).toMatchObject({ initial: prefill.kpis });
    const kpiOptions = field(form, F.kpis);
    expect(kpiOptions?.kind === 'multiselect' && kpiOptions.options[0]).toEqual({
      id: 'K1',
      label: 'K1 Service availability',
    });
    expect(field(form, F.material)).toMatchObject({ max: 3, initial: ['K1', 'K3', 'K4'] });
    expect(field(form, targetField('K3'))).toMatchObject({ optional: true, initial: prefill.targets.K3 });
    const cadence = field(form, cadenceField('K1'));
    expect(cadence).toMatchObject({ kind: 'select', label: 'Review cadence: K1', initial: 'monthly' });
    expect(cadence?.kind === 'select' && cadence.options.map((o) => o.id)).toEqual(pack.cadences.map((c) => c.id));
    expect(field(form, cadenceField('K3'))).toMatchObject({ initial: 'quarterly' });
    expect(form.errors).toBeUndefined();
  });

  it('fits a Slack modal for the largest KPI pack (critical tier): labels, options, fields, metadata', () => {
    const critical = fixture('automated-enforcement');
    const d = completedDialogue(pack, critical);
    const big = registrationForm(
      prefillFromTriage({ dialogue: d, outcome: evaluate(pack, critical.answers), pack, by: CLERK, now: NOW }),
    );
    expect(big.fields.length).toBeGreaterThan(30);
    // One input block per field, plus the intro: Slack allows 100 blocks in a modal. Even with every library KPI
    // prefilled (a target and a cadence each) the form stays inside it.
    expect(big.fields.length + 1).toBeLessThanOrEqual(100);
    const everyKpi = registrationForm({ ...prefill, kpis: prefill.library.map((k) => k.id) });
    expect(everyKpi.fields.length + 1).toBeLessThanOrEqual(100);
    expect(big.title.length).toBeLessThanOrEqual(24);
    expect(big.submit.label.length).toBeLessThanOrEqual(24);
    expect(JSON.stringify(big.submit.value).length).toBeLessThanOrEqual(3000);
    for (const f of big.fields) {
      expect(f.label.length, f.id).toBeLessThanOrEqual(2000);
      expect((f.hint ?? '').length, f.id).toBeLessThanOrEqual(2000);
      expect(f.id.length, f.id).toBeLessThanOrEqual(255);
      if (f.kind === 'select' || f.kind === 'multiselect') {
        expect(f.options.length, f.id).toBeLessThanOrEqual(100);
        for (const o of f.options) expect(o.label.length, o.label).toBeLessThanOrEqual(75);
      }
    }
  });

  it('offers about 25 common zones, plus the prefilled one when it is not among them', () => {
    const zones = (f: FormView) => {
      const z = field(f, F.timeZone);
      return z?.kind === 'select' ? z.options.map((o) => o.id) : [];
    };
    expect(zones(form)).toContain('Europe/London');
    expect(zones(form).length).toBeGreaterThanOrEqual(25);
    expect(zones(form)).not.toContain('Asia/Tokyo');
    expect(zones(registrationForm({ ...prefill, timeZone: 'Asia/Tokyo' }))[0]).toBe('Asia/Tokyo');
  });

  it('draws the submitted values again beside the errors', () => {
    const values = { ...accepted, [F.title]: '', [F.kpis]: 'K1,K5', [F.owner]: 'Jo Bloggs' };
    const again = registrationForm(prefill, { title: 'Give the contract a title.' }, values);
    expect(again.errors).toEqual({ title: 'Give the contract a title.' });
    expect(field(again, F.title)).toMatchObject({ initial: '' });
    expect(field(again, F.kpis)).toMatchObject({ initial: ['K1', 'K5'] });
    expect(field(again, F.owner)).toMatchObject({ initial: { id: 'name:Jo Bloggs', name: 'Jo Bloggs' } });
    expect(field(again, F.supplier)).toMatchObject({ initial: 'Acme Analytics Ltd' });
  });
});

describe('parsing a registration', () => {
  it('turns the accepted prefill into a valid contract under the Procurement Act duty', () => {
    const parsed = parseRegistration(accepted, ctx());
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const { contract } = parsed;
    expect(ContractSchema.parse(contract)).toEqual(contract);
    expect(contract).toMatchObject({
      id: 'C-7K2M9Q',
      tenant: 'slack_T1',
      platform: 'slack',
      channel: 'C0PROCURE',
      title: 'Housing benefit claim risk scoring',
      supplier: 'Acme Analytics Ltd',
      value: { amount: 6_200_000, currency: 'GBP' },
      start: '2026-04-01',
      end: '2029-03-31',
      jurisdiction: 'UK',
      timeZone: 'Europe/London',
      cpnDuty: true,
      trackedFrom: '2026-04-01',
      owner: CLERK,
      sro: CLERK,
      createdBy: CLERK,
      createdAt: NOW.toISOString(),
      results: [],
      breaches: [],
      snoozes: {},
      triage: prefill.triage,
    });
    expect(contract.kpis.map((k) => k.id)).toEqual(outcome.kpis.map((k) => k.id));
    expect(contract.kpis.filter((k) => k.material).map((k) => k.id)).toEqual(['K1', 'K3', 'K4']);
    expect(contract.kpis.find((k) => k.id === 'K1')).toMatchObject({
      title: 'Service availability',
      cadence: { months: 1 },
      target: prefill.targets.K1,
    });
  });

  it('reports every missing field at once, beside each field', () => {
    const parsed = parseRegistration({}, ctx());
    expect(parsed.ok).toBe(false);
    expect(Object.keys(parsed.ok ? {} : parsed.errors).sort()).toEqual(
      ['title', 'supplier', 'value', 'start', 'end', 'owner', 'sro', 'jurisdiction', 'timeZone', 'kpis'].sort(),
    );
  });

  it.each([
    [{ title: '   ' }, 'title', 'Give the contract a title.'],
    [{ title: 'x'.repeat(151) }, 'title', 'Keep the title under 150 characters (it is 151).'],
    [{ supplier: '' }, 'supplier', 'Name the supplier.'],
    [{ value: '' }, 'value', 'Enter the total value, e.g. 6,200,000 or £6.2m.'],
    [{ value: 'lots' }, 'value', 'That is not an amount: write it like 6,200,000 or £6.2m.'],
    [{ value: '-5,000' }, 'value', 'The value cannot be negative.'],
    [{ value: '£-5m' }, 'value', 'The value cannot be negative.'],
    [{ value: '2000bn' }, 'value', 'That is more than a trillion: check the amount.'],
    [{ value: '€3m' }, 'currency', 'The value is written in EUR but the currency chosen is GBP: make them agree.'],
    [{ currency: 'JPY' }, 'currency', 'Choose one of GBP, EUR, USD, CAD.'],
    [{ currency: '', value: '6,200,000' }, 'currency', 'Choose the currency.'],
    [{ start: '' }, 'start', 'Choose the start date.'],
    [{ start: '2026-13-01' }, 'start', 'Write the start date as YYYY-MM-DD, e.g. 2026-04-01.'],
    [{ end: '01/04/2029' }, 'end', 'Write the end date as YYYY-MM-DD, e.g. 2026-04-01.'],
    [{ end: '2026-04-01' }, 'end', 'The end must be after the start (1 Apr 2026).'],
    [{ end: '2046-04-02' }, 'end', 'Contracts longer than 20 years are not supported: check the end date.'],
    [
      { start: '2025-01-01', end: '2026-03-01' },
      'end',
      'This contract ended on 1 Mar 2026: only running contracts get reminders.',
    ],
    [{ owner: '' }, 'owner', 'Choose the contract owner.'],
    [{ sro: ' ' }, 'sro', 'Choose the senior responsible owner (SRO).'],
    [{ owner: 'x'.repeat(101) }, 'owner', 'Keep the name under 100 characters.'],
    [{ jurisdiction: 'Mars' }, 'jurisdiction', 'Choose the jurisdiction.'],
    [{ timeZone: '' }, 'timeZone', 'Choose the time zone reminders follow.'],
    [
      { timeZone: 'Mars/Olympus' },
      'timeZone',
      '“Mars/Olympus” is not a time zone: choose one from the list, such as Europe/London.',
    ],
    [{ kpis: [], material: [] }, 'kpis', 'Choose at least one KPI to track.'],
    [{ kpis: ['K1', 'K99'] }, 'kpis', 'Unknown KPI: K99. Choose from the list.'],
    [{ material: ['K1', 'K3', 'K4', 'K5'] }, 'material', 'Choose at most 3: the three most material.'],
    [
      { kpis: ['K1', 'K3', 'K4'], material: ['K1', 'K3', 'K7'] },
      'material',
      'K7 is not among the KPIs to track: add it there or remove it here.',
    ],
    [{ [targetField('K3')]: 'y'.repeat(201) }, targetField('K3'), 'Keep the target under 200 characters (it is 201).'],
    [
      { [cadenceField('K3')]: 'weekly' },
      cadenceField('K3'),
      '“weekly” is not a review cadence: choose one from the list.',
    ],
  ] as [FormValues, string, string][])('%j → %s', (patch, id, message) => {
    expect(errorsFor(patch)).toEqual({ [id]: message });
  });

  it('applies the UK £5m rule: at least 3 KPIs and exactly 3 most material, naming the Act', () => {
    const fewKpis = errorsFor({ kpis: ['K1', 'K3'], material: ['K1', 'K3'] });
    expect(fewKpis.kpis).toBe(
      'The Procurement Act 2023 (s.52) requires at least 3 KPIs for a UK contract over £5m; 2 chosen.',
    );
    expect(errorsFor({ material: ['K1', 'K3'] })).toEqual({
      material:
        'The Procurement Act 2023 requires the 3 most material KPIs to be named in the Contract Details Notice for a UK contract over £5m: choose exactly 3 (2 chosen).',
    });
    // Under the threshold, in another currency or jurisdiction, one KPI and no material ones are fine.
    for (const patch of [
      { value: '4,999,999' },
      { value: '€6.2m', currency: 'EUR' },
      { jurisdiction: 'EU' },
    ] as FormValues[]) {
      const parsed = parseRegistration({ ...accepted, ...patch, kpis: ['K3'], material: [] }, ctx());
      expect(parsed.ok && parsed.contract.cpnDuty, JSON.stringify(patch)).toBe(false);
    }
  });

  it('takes the threshold from the triage’s pack, and sets no duty when the pack has none', () => {
    const higher: RegistrationPrefill = { ...prefill, kpiThreshold: { currency: 'GBP', over: 10_000_000 } };
    const under = parseRegistration({ ...accepted, kpis: ['K3'], material: [] }, ctx({ prefill: higher }));
    expect(under.ok && under.contract.cpnDuty).toBe(false);
    expect(errorsFor({ value: '12,000,000', kpis: ['K1', 'K3'], material: ['K1', 'K3'] }, higher).kpis).toBe(
      'The Procurement Act 2023 (s.52) requires at least 3 KPIs for a UK contract over £10m; 2 chosen.',
    );
    const { kpiThreshold: _none, ...without } = prefill;
    const none = parseRegistration({ ...accepted, kpis: ['K3'], material: [] }, ctx({ prefill: without }));
    expect(none.ok && none.contract.cpnDuty).toBe(false);
    expect(field(registrationForm(without), F.kpis)?.hint).toBe('From the triage KPI pack.');
  });

  it('accepts a value with its currency written in, and empty targets as the standard target', () => {
    const parsed = parseRegistration(
      { ...accepted, value: '£6.2m', currency: '', [targetField('K3')]: '', [targetField('K1')]: '99.95 %' },
      ctx(),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.contract.value).toEqual({ amount: 6_200_000, currency: 'GBP' });
    expect(parsed.contract.kpis.find((k) => k.id === 'K3')?.target).toBe(prefill.targets.K3);
    expect(parsed.contract.kpis.find((k) => k.id === 'K1')?.target).toBe('99.95 %');
  });

  it('takes a KPI added from the library with its standard target and the tier cadence, in KPI order', () => {
    const parsed = parseRegistration({ ...accepted, kpis: ['K11', 'K3', 'K1', 'K4'] }, ctx());
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.contract.kpis.map((k) => k.id)).toEqual(['K1', 'K3', 'K4', 'K11']);
    expect(parsed.contract.kpis.at(-1)).toMatchObject({
      title: 'Complaints',
      target: 'At or below the baseline',
      cadence: { months: 3 },
    });
  });

  it('takes the review cadence chosen for each prefilled KPI, the two-speed one included', () => {
    const parsed = parseRegistration(
      {
        ...accepted,
        [cadenceField('K1')]: 'quarterly',
        [cadenceField('K3')]: 'monthly_then_quarterly',
        [cadenceField('K4')]: 'annual',
      },
      ctx(),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const cadence = (id: string) => parsed.contract.kpis.find((k) => k.id === id)?.cadence;
    expect(cadence('K1')).toEqual({ months: 3 });
    expect(cadence('K3')).toEqual({ months: 1, thenMonths: 3, firstMonths: 6 });
    expect(cadence('K4')).toEqual({ months: 12 });
  });

  it('keeps the library cadence of a KPI without a cadence field (added from the library, or an older form)', () => {
    const { [cadenceField('K3')]: _dropped, ...older } = accepted;
    const parsed = parseRegistration(
      { ...older, kpis: [...prefill.kpis, 'K11'], [cadenceField('K11')]: undefined },
      ctx(),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const cadence = (id: string) => parsed.contract.kpis.find((k) => k.id === id)?.cadence;
    expect(cadence('K3')).toEqual({ months: 3 });
    expect(cadence('K11')).toEqual(prefill.library.find((k) => k.id === 'K11')?.cadence);
    expect(field(registrationForm(prefill), cadenceField('K11'))).toBeUndefined();
  });

  it('draws a chosen cadence again beside the errors', () => {
    const values = { ...accepted, [F.title]: '', [cadenceField('K3')]: 'annual' };
    const again = registrationForm(prefill, { title: 'Give the contract a title.' }, values);
    expect(field(again, cadenceField('K3'))).toMatchObject({ initial: 'annual' });
    expect(field(again, cadenceField('K1'))).toMatchObject({ initial: 'monthly' });
  });

  it('reads people from a Slack user picker and from names typed in Teams, and Teams multi-selects as text', () => {
    const slack = parseRegistration({ ...accepted, owner: 'user:U0123ABC', sro: `user:${SRO.id}` }, ctx());
    expect(slack.ok && [slack.contract.owner, slack.contract.sro]).toEqual([{ id: 'U0123ABC' }, { id: SRO.id }]);
    // A picked person who is already known keeps their name.
    const known = parseRegistration({ ...accepted, owner: `user:${CLERK.id}` }, ctx());
    expect(known.ok && known.contract.owner).toEqual(CLERK);
    const teamsPrefill = {
      ...prefill,
      owner: { id: '29:1abc', name: 'Cleo Clerk' },
      sro: { id: '29:1abc', name: 'Cleo Clerk' },
    };
    const teams = parseRegistration(
      { ...accepted, owner: 'cleo clerk', sro: 'Sam Senior', kpis: 'K1, K3,K4', material: 'K1,K3,K4' },
      ctx({ platform: 'teams', prefill: teamsPrefill }),
    );
    if (!teams.ok) throw new Error(JSON.stringify(teams.errors));
    expect(teams.contract.owner).toEqual({ id: '29:1abc', name: 'Cleo Clerk' });
    expect(teams.contract.sro).toEqual({ id: 'name:Sam Senior', name: 'Sam Senior' });
    expect(teams.contract.kpis.map((k) => k.id)).toEqual(['K1', 'K3', 'K4']);
  });

  it('reads a typed name that looks like a Slack user id as a name, and only `user:<id>` as a picked person', () => {
    const parsed = parseRegistration({ ...accepted, owner: 'WALES', sro: 'UNDP' }, ctx({ platform: 'teams' }));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.contract.owner).toEqual({ id: 'name:WALES', name: 'WALES' });
    expect(parsed.contract.sro).toEqual({ id: 'name:UNDP', name: 'UNDP' });
    // A raw id is a name too; an empty pick is no choice.
    expect(errorsFor({ owner: 'user:', sro: 'user:  ' })).toEqual({
      owner: 'Choose the contract owner.',
      sro: 'Choose the senior responsible owner (SRO).',
    });
    const raw = parseRegistration({ ...accepted, owner: 'U0123ABC' }, ctx());
    expect(raw.ok && raw.contract.owner).toEqual({ id: 'name:U0123ABC', name: 'U0123ABC' });
  });

  it('counts "today" in the chosen zone, for the tracking date and the ended-contract check', () => {
    const late = new Date('2026-04-01T02:00:00Z');
    const parsed = parseRegistration({ ...accepted, timeZone: 'America/Los_Angeles' }, ctx({ now: late }));
    expect(parsed.ok && parsed.contract.trackedFrom).toBe('2026-03-31');
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { ContractActions } from '../../../src/core/contracts/actions.js';
import type { OcdsReleasePackage } from '../../../src/core/contracts/ocds.js';
import { RegistrationFields as F } from '../../../src/core/contracts/registration-form.js';
import { ContractService } from '../../../src/core/contracts/service.js';
import { BadInputError, NotFoundError } from '../../../src/core/errors.js';
import type { FormValues, FormView } from '../../../src/core/view.js';
import { plainText } from '../../../src/core/view.js';
import { actorOf, memoryAccess } from '../../helpers/access.js';
import { memoryHistory } from '../../helpers/history.js';
import { fixture, pack } from '../triage-helpers.js';
import {
  CLERK,
  completedDialogue,
  FixedClock,
  kpi,
  MemoryContracts,
  MemoryDialogues,
  MemoryPacks,
  MemorySettings,
  makeContract,
  OWNER,
  QueueLocker,
} from './helpers.js';

const TENANT = 'slack_T1';
const benefits = fixture('benefits-scoring');

function setup(options: { delayMs?: number; ids?: string[] } = {}) {
  const contracts = new MemoryContracts(options.delayMs);
  const dialogues = new MemoryDialogues();
  const settings = new MemorySettings();
  const locker = new QueueLocker();
  const clock = new FixedClock(new Date('2026-04-01T08:30:00Z'));
  const recorded = memoryHistory(clock);
  const ids = [...(options.ids ?? ['C-AAAAAA', 'C-BBBBBB', 'C-CCCCCC'])];
  const service = new ContractService({
    contracts,
    history: recorded.history,
    dialogues,
    settings,
    packs: new MemoryPacks(pack),
    locker,
    clock,
    access: memoryAccess([CLERK.id]).access,
    newId: () => ids.shift() ?? 'C-ZZZZZZ',
  });
  return { service, contracts, dialogues, settings, locker, clock, historyRepository: recorded.repository };
}

/** The values of the prefilled form as it stands, plus a supplier (the triage does not ask for one). */
function accept(form: FormView, patch: FormValues = {}): FormValues {
  const values: FormValues = {};
  for (const field of form.fields) {
    if (field.kind === 'multiselect') values[field.id] = field.initial ?? [];
    else if (field.kind === 'user')
      values[field.id] = field.initial && `user:${field.initial.id}`; // as a picker sends
    else values[field.id] = field.initial;
  }
  return { ...values, [F.supplier]: 'Acme Analytics Ltd', ...patch };
}

describe('registering a contract from a triage', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(async () => {
    t = setup();
    await t.dialogues.save(completedDialogue(pack, benefits));
  });

  it('prefills the form from the completed triage it came from', async () => {
    const form = await t.service.registrationFormFor({
      tenant: TENANT,
      dialogueId: 'dlg-benefits',
      by: actorOf(CLERK),
      timeZone: 'Europe/London',
    });
    expect(form.submit).toMatchObject({ id: ContractActions.submitRegistration, value: { d: 'dlg-benefits' } });
    expect(form.fields.find((f) => f.id === F.title)).toMatchObject({ initial: 'Housing benefit claim risk scoring' });
    expect(form.fields.find((f) => f.id === F.start)).toMatchObject({ initial: '2026-04-01' });
    expect(form.fields.find((f) => f.id === F.owner)).toMatchObject({ initial: CLERK });
  });

  it('refuses a triage that is missing, still open, or ended in STOP', async () => {
    const form = (dialogueId: string) =>
      t.service.registrationFormFor({ tenant: TENANT, dialogueId, by: actorOf(CLERK) });
    await expect(form('nope')).rejects.toThrow(NotFoundError);
    await t.dialogues.save(completedDialogue(pack, benefits, { id: 'open', status: 'open', current: 'role' }));
    await expect(form('open')).rejects.toThrow(/Finish the triage first/);
    await t.dialogues.save(completedDialogue(pack, fixture('social-scoring'), { id: 'stop', status: 'stopped' }));
    await expect(form('stop')).rejects.toThrow(BadInputError);
  });

  it('saves the contract with reminders going to the procurement channel, and confirms it', async () => {
    await t.settings.update(TENANT, { procurementChannel: 'C0PROCURE' });
    const form = await t.service.registrationFormFor({
      tenant: TENANT,
      dialogueId: 'dlg-benefits',
      by: actorOf(CLERK),
    });
    const outcome = await t.service.register({
      tenant: TENANT,
      dialogueId: 'dlg-benefits',
      platform: 'slack',
      values: accept(form, { [F.owner]: `user:${OWNER.id}` }),
      by: actorOf(CLERK),
    });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.form.errors));
    expect(outcome.contract).toMatchObject({
      id: 'C-AAAAAA',
      channel: 'C0PROCURE',
      cpnDuty: true,
      owner: { id: OWNER.id },
    });
    expect(await t.contracts.get(TENANT, 'C-AAAAAA')).toEqual(outcome.contract);
    expect(outcome.confirmation.heading).toBe('AI contract registered');
    expect(t.locker.keys).toContain(`t:${TENANT}:contract-register:dlg-benefits`);
  });

  it('sends reminders where the triage ran when the workspace has no procurement channel', async () => {
    const form = await t.service.registrationFormFor({
      tenant: TENANT,
      dialogueId: 'dlg-benefits',
      by: actorOf(CLERK),
    });
    const outcome = await t.service.register({
      tenant: TENANT,
      dialogueId: 'dlg-benefits',
      platform: 'slack',
      values: accept(form),
      by: actorOf(CLERK),
    });
    expect(outcome.ok && outcome.contract.channel).toBe('C0TRIAGE');
  });

  it('returns the form with errors beside the fields and the values as typed, saving nothing', async () => {
    const form = await t.service.registrationFormFor({
      tenant: TENANT,
      dialogueId: 'dlg-benefits',
      by: actorOf(CLERK),
    });
    const values = accept(form, { [F.value]: 'lots', [F.material]: ['K1'] });
    const outcome = await t.service.register({
      tenant: TENANT,
      dialogueId: 'dlg-benefits',
      platform: 'slack',
      values,
      by: actorOf(CLERK),
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.form.errors).toEqual({ value: 'That is not an amount: write it like 6,200,000 or £6.2m.' });
    expect(outcome.form.fields.find((f) => f.id === F.value)).toMatchObject({ initial: 'lots' });
    expect(outcome.form.fields.find((f) => f.id === F.material)).toMatchObject({ initial: ['K1'] });
    expect(t.contracts.saved).toEqual([]);
  });

  it('registers a double submit once, and skips an id that is taken', async () => {
    const { service, contracts, dialogues } = setup({ ids: ['C-TAKEN0', 'C-TAKEN0', 'C-FREE00'] });
    await dialogues.save(completedDialogue(pack, benefits));
    await contracts.save(makeContract({ id: 'C-TAKEN0', tenant: TENANT }));
    const form = await service.registrationFormFor({ tenant: TENANT, dialogueId: 'dlg-benefits', by: actorOf(CLERK) });
    const submit = () =>
      service.register({
        tenant: TENANT,
        dialogueId: 'dlg-benefits',
        platform: 'teams',
        values: accept(form),
        by: actorOf(CLERK),
      });
    const [first, second] = await Promise.all([submit(), submit()]);
    expect(first.ok && first.contract.id).toBe('C-FREE00');
    expect(second.ok && second.contract.id).toBe('C-FREE00');
    expect((await contracts.listByTenant(TENANT)).map((c) => c.id).sort()).toEqual(['C-FREE00', 'C-TAKEN0']);
  });
});

describe('working with a registered contract', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(async () => {
    t = setup({ delayMs: 1 });
    t.clock.instant = new Date('2026-07-03T09:00:00Z');
    await t.contracts.save(makeContract({ tenant: TENANT }));
  });

  it('shows the contract, the list and what is due; an unknown id is not found', async () => {
    expect((await t.service.open(TENANT, actorOf(CLERK), 'C-7K2M9Q')).heading).toBe(
      'Housing benefit claim risk scoring',
    );
    expect((await t.service.list(TENANT, actorOf(CLERK))).heading).toBe('AI contracts (1)');
    expect((await t.service.due(TENANT, actorOf(CLERK))).heading).toBe('AI contract reminders: 5 overdue');
    await expect(t.service.open(TENANT, actorOf(CLERK), 'C-NOPE00')).rejects.toThrow(NotFoundError);
    await expect(t.service.open('other_tenant', actorOf(CLERK), 'C-7K2M9Q')).rejects.toThrow(NotFoundError);
  });

  it('uses each contract’s own "today"', async () => {
    // 23:30 UTC on 30 June: already 1 July in Sydney, still 30 June in New York.
    t.clock.instant = new Date('2026-06-30T23:30:00Z');
    await t.contracts.save(makeContract({ tenant: TENANT, id: 'C-SYD000', timeZone: 'Australia/Sydney' }));
    await t.contracts.save(makeContract({ tenant: TENANT, id: 'C-NYC000', timeZone: 'America/New_York' }));
    const items = await t.service.dueItems(TENANT);
    const status = (id: string, key: string) =>
      items.find((i) => i.contractId === id && i.obligation.key === key)?.status;
    expect(status('C-SYD000', 'kpi:K3:2026-07-01')).toBe('today');
    expect(status('C-NYC000', 'kpi:K3:2026-07-01')).toBe('upcoming');
    expect(status('C-7K2M9Q', 'kpi:K3:2026-07-01')).toBe('today');
  });

  it('records a result under the contract lock; it leaves the due list and clears a snooze', async () => {
    await t.service.snooze({
      values: { days: '7', reason: 'Report due Friday' },
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      obligationKey: 'kpi:K3:2026-07-01',
      by: actorOf(CLERK),
    });
    const form = await t.service.resultFormFor(TENANT, actorOf(CLERK), 'C-7K2M9Q', 'kpi:K3:2026-07-01');
    expect(form.submit.value).toEqual({ c: 'C-7K2M9Q', k: 'kpi:K3:2026-07-01' });
    const outcome = await t.service.recordResult({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      obligationKey: 'kpi:K3:2026-07-01',
      values: { value: '96 %', rating: 'good' },
      by: actorOf(OWNER),
    });
    if (!outcome.ok) throw new Error('not recorded');
    expect(outcome.result).toMatchObject({
      id: 'R1',
      kpiId: 'K3',
      value: '96 %',
      rating: 'good',
      by: OWNER,
      at: '2026-07-03T09:00:00.000Z',
    });
    const stored = await t.service.get(TENANT, 'C-7K2M9Q');
    expect(stored.results).toEqual([outcome.result]);
    expect(stored.snoozes).toEqual({});
    expect(stored.updatedAt).toBe('2026-07-03T09:00:00.000Z');
    expect(
      plainText(
        (await t.service.due(TENANT, actorOf(CLERK))).blocks.flatMap((b) => (b.type === 'text' ? b.content : [])),
      ),
    ).not.toContain('K3');
    expect(t.locker.keys).toContain(`t:${TENANT}:contract:C-7K2M9Q`);
  });

  it('keeps both results when two people record at the same moment', async () => {
    const record = (key: string, value: string) =>
      t.service.recordResult({
        tenant: TENANT,
        contractId: 'C-7K2M9Q',
        obligationKey: key,
        values: { value, rating: 'good' },
        by: actorOf(OWNER),
      });
    await Promise.all([
      record('kpi:K1:2026-05-01', '99.9'),
      record('kpi:K1:2026-06-01', '99.8'),
      record('kpi:K3:2026-07-01', '97'),
    ]);
    const stored = await t.service.get(TENANT, 'C-7K2M9Q');
    expect(stored.results.map((r) => [r.id, r.obligation]).sort()).toEqual([
      ['R1', 'kpi:K1:2026-05-01'],
      ['R2', 'kpi:K1:2026-06-01'],
      ['R3', 'kpi:K3:2026-07-01'],
    ]);
  });

  it('returns the result form with errors, and refuses an obligation that is not on the schedule', async () => {
    const outcome = await t.service.recordResult({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      obligationKey: 'kpi:K1:2026-06-01',
      values: { value: '99 %' },
      by: actorOf(OWNER),
    });
    expect(!outcome.ok && outcome.form.errors).toEqual({ rating: 'Choose a rating.' });
    expect(!outcome.ok && outcome.form.fields[0]).toMatchObject({ initial: '99 %' });
    await expect(t.service.resultFormFor(TENANT, actorOf(CLERK), 'C-7K2M9Q', 'kpi:K1:2026-06-02')).rejects.toThrow(
      NotFoundError,
    );
    await expect(t.service.resultFormFor(TENANT, actorOf(CLERK), 'C-7K2M9Q', 'kpi:K9:2026-06-01')).rejects.toThrow(
      NotFoundError,
    );
    expect((await t.service.get(TENANT, 'C-7K2M9Q')).results).toEqual([]);
  });

  it('snoozes a reminder for 7 days from the contract’s today, with who and why; it comes back after', async () => {
    const snoozed = await t.service.snooze({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      obligationKey: 'kpi:K1:2026-07-01',
      by: actorOf(CLERK),
      values: { days: '7', reason: 'Report due Friday' },
    });
    expect(snoozed.ok && snoozed.until).toBe('2026-07-10');
    const stored = await t.service.get(TENANT, 'C-7K2M9Q');
    expect(stored.snoozes).toEqual({ 'kpi:K1:2026-07-01': '2026-07-10' });
    expect(stored.snoozeLog).toMatchObject([
      { obligation: 'kpi:K1:2026-07-01', until: '2026-07-10', reason: 'Report due Friday', by: CLERK },
    ]);
    const keys = async () => (await t.service.dueItems(TENANT)).map((i) => i.obligation.key);
    expect(await keys()).not.toContain('kpi:K1:2026-07-01');
    t.clock.instant = new Date('2026-07-10T08:00:00Z');
    expect(await keys()).toContain('kpi:K1:2026-07-01');
    const unexplained = await t.service.snooze({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      obligationKey: 'kpi:K1:2026-07-01',
      by: actorOf(CLERK),
      values: { days: '9', reason: '' },
    });
    expect(unexplained.ok === false && unexplained.form.errors).toEqual({
      days: 'Choose 7, 14 or 30 days.',
      reason: 'Say why it is snoozed.',
    });
  });

  it('snoozes an item at most 3 times, and never past 30 days overdue', async () => {
    const snooze = (days: string) =>
      t.service.snooze({
        tenant: TENANT,
        contractId: 'C-7K2M9Q',
        obligationKey: 'kpi:K1:2026-07-01',
        by: actorOf(CLERK),
        values: { days, reason: 'Waiting for the supplier' },
      });
    // 3 July: 30 days would reach 2 August, past 31 July (30 days after it fell due): it stops there.
    const first = await snooze('30');
    expect(first.ok && first.until).toBe('2026-07-31');
    expect(await snooze('7')).toMatchObject({ ok: true });
    expect(await snooze('7')).toMatchObject({ ok: true });
    const fourth = await snooze('7');
    expect(fourth.ok && fourth.confirmation.fallback).toBe(
      'K1 Service availability review has been snoozed 3 times already: record its result now (a note can say what is late and why).',
    );
    expect((await t.service.get(TENANT, 'C-7K2M9Q')).snoozeLog).toHaveLength(3);
    await expect(t.service.snoozeFormFor(TENANT, actorOf(CLERK), 'C-7K2M9Q', 'kpi:K1:2026-07-01')).rejects.toThrow(
      'snoozed 3 times already',
    );
    // Another item, 31 days overdue: no snooze, and the form says so before anyone fills it in.
    t.clock.instant = new Date('2026-08-01T08:00:00Z');
    await expect(t.service.snoozeFormFor(TENANT, actorOf(CLERK), 'C-7K2M9Q', 'kpi:K3:2026-07-01')).rejects.toThrow(
      'more than 30 days overdue: it can no longer be snoozed, and its escalation stands.',
    );
  });

  it('does not snooze what is already recorded', async () => {
    await t.service.recordResult({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      obligationKey: 'kpi:K1:2026-05-01',
      values: { value: '99.9', rating: 'good' },
      by: actorOf(OWNER),
    });
    const outcome = await t.service.snooze({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      obligationKey: 'kpi:K1:2026-05-01',
      by: actorOf(CLERK),
      values: { days: '7', reason: 'Late' },
    });
    expect(outcome.ok && outcome.until).toBeUndefined();
    expect(outcome.ok && outcome.confirmation.fallback).toBe(
      'K1 Service availability review is already recorded, so there is nothing to snooze.',
    );
    expect((await t.service.get(TENANT, 'C-7K2M9Q')).snoozes).toEqual({});
  });

  it('logs a breach and starts its 30-day clock; a bad date comes back beside the field', async () => {
    const form = await t.service.breachFormFor(TENANT, actorOf(CLERK), 'C-7K2M9Q');
    expect(form.fields[0]).toMatchObject({ initial: '2026-07-03' });
    const bad = await t.service.logBreach({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      values: { on: '2026-07-04', note: 'x' },
      by: actorOf(CLERK),
    });
    expect(!bad.ok && bad.form.errors).toEqual({ on: 'The date cannot be in the future.' });
    const logged = await t.service.logBreach({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      values: { on: '2026-07-01', note: 'Damages agreed' },
      by: actorOf(CLERK),
    });
    if (!logged.ok) throw new Error('not logged');
    expect(logged.obligation).toMatchObject({ key: 'breach-cpn:B1', due: '2026-07-31' });
    const items = await t.service.dueItems(TENANT, '2026-07-25');
    expect(items.map((i) => i.obligation.key)).toContain('breach-cpn:B1');
  });

  it('corrects a breach with a new entry and a reason: the replaced one stays on record, its clock stops', async () => {
    await t.service.logBreach({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      values: { on: '2026-06-13', note: 'Outage' },
      by: actorOf(CLERK),
    });
    const form = await t.service.breachFormFor(TENANT, actorOf(CLERK), 'C-7K2M9Q');
    expect(form.fields.find((f) => f.id === 'corrects')).toMatchObject({
      options: [{ id: 'new' }, { id: 'B1' }],
    });
    const unexplained = await t.service.logBreach({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      values: { on: '2026-06-03', note: 'Outage', corrects: 'B1' },
      by: actorOf(CLERK),
    });
    expect(!unexplained.ok && unexplained.form.errors).toEqual({ reason: 'Say why the breach is corrected.' });
    const corrected = await t.service.logBreach({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      values: { on: '2026-06-03', note: 'Outage', corrects: 'B1', reason: 'It was the 3rd, not the 13th' },
      by: actorOf(CLERK),
    });
    if (!corrected.ok) throw new Error('not corrected');
    expect(corrected.obligation).toMatchObject({ key: 'breach-cpn:B2', due: '2026-07-03' });
    const stored = await t.service.get(TENANT, 'C-7K2M9Q');
    expect(stored.breaches.map((b) => [b.id, b.replaces])).toEqual([
      ['B1', undefined],
      ['B2', 'B1'],
    ]);
    const keys = (await t.service.dueItems(TENANT, '2026-07-03')).map((i) => i.obligation.key);
    expect(keys).toContain('breach-cpn:B2');
    expect(keys).not.toContain('breach-cpn:B1');
    const events = await t.historyRepository.events(TENANT, 'contract:C-7K2M9Q', 1, 20);
    expect(events.at(-1)).toMatchObject({
      kind: 'contract.breach.corrected',
      data: { breach: { replaces: 'B1', reason: 'It was the 3rd, not the 13th' } },
    });
    // A breach already corrected cannot be corrected again.
    const again = await t.service.logBreach({
      tenant: TENANT,
      contractId: 'C-7K2M9Q',
      values: { on: '2026-06-03', note: 'Outage', corrects: 'B1', reason: 'again' },
      by: actorOf(CLERK),
    });
    expect(!again.ok && again.form.errors?.corrects).toContain('already corrected');
  });

  it('exports an OCDS release package as a file', async () => {
    const file = await t.service.exportOcds(TENANT, actorOf(CLERK), 'C-7K2M9Q', {
      ocidPrefix: 'ocds-abc123',
      buyerName: 'Northshire',
    });
    expect(file.filename).toBe('ocds-C-7K2M9Q-2026-07-03.json');
    expect(file.title).toBe('OCDS release: Housing benefit claim risk scoring');
    const pkg = JSON.parse(file.content) as OcdsReleasePackage;
    expect(pkg.publisher).toEqual({ name: 'Northshire' });
    expect(pkg.releases).toEqual([file.release]);
    expect(file.release.ocid).toBe('ocds-abc123-C-7K2M9Q');
    await expect(
      t.service.exportOcds(TENANT, actorOf(CLERK), 'C-NOPE00', { ocidPrefix: 'ocds-abc123' }),
    ).rejects.toThrow(NotFoundError);
  });

  it('builds the digest for one channel, and nothing when nothing is due', async () => {
    await t.contracts.save(
      makeContract({
        tenant: TENANT,
        id: 'C-222222',
        channel: 'C0ELSEWHERE',
        kpis: [kpi('K1', 'Availability', { months: 12 })],
      }),
    );
    const digest = await t.service.digestFor({
      tenant: TENANT,
      channel: 'C0PROCURE',
      date: '2026-07-03',
      timeZone: 'Europe/London',
    });
    expect(digest?.items.every((i) => i.contractId === 'C-7K2M9Q')).toBe(true);
    expect(digest?.view.heading).toBe('AI contract reminders: 5 overdue');
    const quiet = await t.service.digestFor({
      tenant: TENANT,
      channel: 'C0ELSEWHERE',
      date: '2026-07-03',
      timeZone: 'Europe/London',
    });
    expect(quiet).toBeUndefined();
  });
});

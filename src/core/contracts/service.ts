import type { AccessService } from '../access/access.js';
import { type Actor, person } from '../access/roles.js';
import { addDays, compareDates, type LocalDate, localDateOf } from '../calendar.js';
import { BadInputError, NotFoundError } from '../errors.js';
import { textValue } from '../form-values.js';
import { type History, recordIds } from '../history/recorder.js';
import { freeShortId } from '../ids.js';
import type { ConversationSurface } from '../ports.js';
import { procurementChannelOf } from '../settings.js';
import { type Dialogue, dialogueOutcome, packOf } from '../triage/dialogue.js';
import type { Pack } from '../triage/pack-schema.js';
import { noticeView } from '../triage/views.js';
import type { FormValues, FormView, UserRef, View, ViewBlock } from '../view.js';
import { type Contract, type ContractResult, MAX_CHANGES, newContractId } from './contract.js';
import {
  type DigestItem,
  type DigestRow,
  digestItems,
  digestItemsOf,
  digestView,
  dueListView,
  sortDigestItems,
} from './digest.js';
import { changeForm, parseChange, parseReviews, preReadBlocks, reviewsForm, reviewsForPreRead } from './governance.js';
import { findObligation, latestResults, type Obligation } from './obligations.js';
import { type OcdsRelease, ocdsRelease, releasePackage } from './ocds.js';
import type {
  AwardGate,
  Clock,
  ContractRepository,
  DialogueRepository,
  Locker,
  PackRepository,
  SettingsRepository,
} from './ports.js';
import { EARLY_MAX, RegistrationFields, registrationForm } from './registration-form.js';
import { parseRegistration } from './registration-parse.js';
import { prefillFromTriage, type RegistrationPrefill, withProposals } from './registration-prefill.js';
import { breachForm, parseBreach, parseResult, resultForm } from './result-forms.js';
import { parseSnooze, snoozeForm, snoozeLimit, snoozeRefusal } from './snooze-form.js';
import {
  breachLoggedView,
  changeLoggedView,
  contractsListView,
  contractView,
  ENDED_ASK_DAYS,
  endedBlocks,
  registeredView,
  resultRecordedView,
  reviewsScheduledView,
  snoozedView,
} from './views.js';

export interface ContractDeps {
  contracts: ContractRepository;
  /** Every change is an event there before it is saved. */
  history: History;
  dialogues: DialogueRepository;
  settings: SettingsRepository;
  packs: PackRepository;
  locker: Locker;
  clock: Clock;
  access: AccessService;
  /** Per platform (PROCUREMENT_CHANNEL is Slack's): where reminders go when a tenant has not chosen a channel. */
  defaultProcurementChannels?: Partial<Record<Contract['platform'], string>>;
  /**
   * Per platform: the channel a triage's conversation belongs to, when reminders fall back to it (a Teams triage
   * runs in a thread of a channel, and a digest is a new post in the channel, not a reply in that thread).
   */
  channelOfConversation?: Partial<Record<Contract['platform'], (conversation: string) => string>>;
  /** New contract ids; random by default (tests pass a sequence). */
  newId?: () => string;
  /** The triage's procurement: registering before it is ready for award needs an admin and a reason. */
  award?: AwardGate;
}

export type Submitted<T> =
  | ({
      ok: true;
      contract: Contract;
      confirmation: View;
      /** What the platform redraws once it has answered (the procurement's checklist after an award). */
      after?: (surface: ConversationSurface) => Promise<void>;
    } & T)
  | { ok: false; form: FormView };

/**
 * Contracts after the triage: register one from a completed triage, show and list them, record results, snooze
 * reminders, log breaches, export OCDS. Platform-neutral, on ports. Every change to a contract happens under its
 * lock (`t:<tenant>:contract:<id>`) on a freshly read record, so two clicks never lose each other's result.
 */
export class ContractService {
  constructor(private readonly deps: ContractDeps) {}

  /** The registration form for a completed triage, prefilled from its outcome. */
  async registrationFormFor(input: {
    tenant: string;
    dialogueId: string;
    by: Actor;
    timeZone?: string;
  }): Promise<FormView> {
    await this.deps.access.require(input.tenant, input.by, 'register');
    const { prefill } = await this.prefill(input);
    return registrationForm(prefill);
  }

  async register(input: {
    tenant: string;
    dialogueId: string;
    platform: Contract['platform'];
    values: FormValues;
    by: Actor;
    timeZone?: string;
    /** People the platform named in the form (picked owner and SRO), so their names are kept. */
    people?: UserRef[];
  }): Promise<Submitted<object>> {
    await this.deps.access.require(input.tenant, input.by, 'register');
    const { prefill, dialogue } = await this.prefill(input);
    const channel = await this.reminderChannel(dialogue);
    const early = await this.earlyAward(input, prefill);
    // One registration per triage at a time, so a double submit finds the first one instead of making two.
    return this.deps.locker.withLock(`t:${input.tenant}:contract-register:${input.dialogueId}`, async () => {
      const parsed = parseRegistration(input.values, {
        id: await this.freeId(input.tenant),
        tenant: input.tenant,
        platform: input.platform,
        channel,
        prefill,
        by: person(input.by),
        people: input.people ?? [],
        now: this.deps.clock.now(),
      });
      const errors = { ...(parsed.ok ? {} : parsed.errors), ...early.errors };
      // Asked again under the lock: an item reopened (or a scan closed) since the form opened needs the reason too.
      const now =
        prefill.early || !this.deps.award ? undefined : await this.deps.award.readiness(input.tenant, dialogue.id);
      if (now && !now.ready) {
        const reopened = { ...prefill, early: { why: now.why } };
        const why = { [RegistrationFields.early]: `${now.why} Say why the contract is registered now.` };
        return { ok: false, form: registrationForm(reopened, { ...errors, ...why }, input.values) };
      }
      if (!parsed.ok || Object.keys(errors).length) {
        return { ok: false, form: registrationForm(prefill, errors, input.values) };
      }
      const same = (await this.deps.contracts.listByTenant(input.tenant)).find(
        (c) =>
          c.triage?.dialogueId === input.dialogueId &&
          c.title === parsed.contract.title &&
          c.supplier === parsed.contract.supplier,
      );
      const contract = same ?? parsed.contract;
      if (!same) {
        await this.deps.history.record(input.tenant, recordIds.contract(contract.id), input.by, 'contract.registered', {
          dialogueId: input.dialogueId,
          title: contract.title,
          supplier: contract.supplier,
          channel: contract.channel,
          kpis: contract.kpis.map((k) => k.id),
          ...(early.reason ? { early: early.reason } : {}),
        });
        await this.deps.contracts.save(contract);
      }
      const award = this.deps.award;
      await award?.awarded({
        tenant: input.tenant,
        dialogueId: input.dialogueId,
        contractId: contract.id,
        term: { start: contract.start, end: contract.end },
        by: input.by,
        ...(early.reason ? { early: early.reason } : {}),
      });
      return {
        ok: true,
        contract,
        confirmation: registeredView(contract, this.today(contract)),
        ...(award
          ? { after: (surface: ConversationSurface) => award.refresh(input.tenant, input.dialogueId, surface) }
          : {}),
      };
    });
  }

  async get(tenant: string, id: string): Promise<Contract> {
    const contract = await this.deps.contracts.get(tenant, id);
    if (!contract) throw new NotFoundError(`There is no contract ${id}.`);
    return contract;
  }

  async list(tenant: string, by: Actor): Promise<View> {
    await this.deps.access.require(tenant, by, 'read');
    return contractsListView(await this.deps.contracts.listByTenant(tenant), this.deps.clock.now());
  }

  /** Everything open across the tenant's contracts (the kpi command), each on its own zone's "today", sorted. */
  async dueItems(tenant: string, today?: LocalDate): Promise<DigestItem[]> {
    const contracts = await this.deps.contracts.listByTenant(tenant);
    return sortDigestItems(contracts.flatMap((c) => digestItemsOf(c, today ?? this.today(c))));
  }

  async due(tenant: string, by: Actor, today?: LocalDate): Promise<View> {
    await this.deps.access.require(tenant, by, 'read');
    return dueListView(await this.dueItems(tenant, today));
  }

  /** The daily digest for one channel on `date` (the scheduler's local date); undefined when nothing is due. */
  async digestFor(input: {
    tenant: string;
    channel: string;
    date: LocalDate;
    timeZone: string;
    channelName?: string;
    kpiCommand?: string;
    /** Other items for the same digest (the channel's procurements' checklist items). */
    extra?: DigestRow[];
    /** A contract's triage's open checklist items, for the pre-reads of joint reviews three days away. */
    openChecklist?: (contract: Contract) => Promise<{ id: string; text: string }[]>;
  }): Promise<{ items: DigestItem[]; view: View } | undefined> {
    // One read of the channel's contracts serves both the items and the pre-reads.
    const contracts = await this.deps.contracts.listByChannel(input.tenant, input.channel);
    const items = digestItems(contracts, input.date);
    const preReads = await preReadsOf(contracts, input.date, input.openChecklist ?? (async () => []));
    const first = [...endedBlocks(await this.foundEnded(input.tenant, contracts, input.date)), ...preReads];
    if (items.length === 0 && !input.extra?.length && !first.length) return undefined;
    const { date, timeZone, channelName, kpiCommand, extra } = input;
    return { items, view: digestView(items, { date, timeZone, channelName, kpiCommand, extra, first }) };
  }

  async open(tenant: string, by: Actor, id: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'read');
    const contract = await this.get(tenant, id);
    return contractView(contract, this.today(contract));
  }

  async resultFormFor(tenant: string, by: Actor, contractId: string, obligationKey: string): Promise<FormView> {
    const contract = await this.get(tenant, contractId);
    await this.deps.access.require(tenant, by, 'record', { contract });
    return resultForm(contract, obligationOf(contract, obligationKey));
  }

  async recordResult(input: {
    tenant: string;
    contractId: string;
    obligationKey: string;
    values: FormValues;
    by: Actor;
    /** Names the form submission; the same one twice (a double click) records once. */
    submission?: string;
  }): Promise<Submitted<{ result: ContractResult }>> {
    await this.deps.access.require(input.tenant, input.by, 'record', {
      contract: await this.get(input.tenant, input.contractId),
    });
    return this.mutate(input.tenant, input.contractId, async (contract) => {
      const obligation = obligationOf(contract, input.obligationKey);
      const earlier = input.submission && contract.results.find((r) => r.submission === input.submission);
      if (earlier) {
        return { ok: true, contract, result: earlier, confirmation: resultRecordedView(contract, obligation, earlier) };
      }
      const parsed = parseResult(input.values, {
        contract,
        obligation,
        by: person(input.by),
        now: this.deps.clock.now(),
      });
      if (!parsed.ok) return { ok: false, form: resultForm(contract, obligation, parsed.errors, input.values) };
      if (input.submission) parsed.result.submission = input.submission;
      contract.results.push(parsed.result);
      delete contract.snoozes[obligation.key];
      await this.event(input, contract, parsed.result.replaces ? 'contract.result.corrected' : 'contract.result', {
        obligation: obligation.key,
        result: parsed.result,
      });
      await this.save(contract);
      return {
        ok: true,
        contract,
        result: parsed.result,
        confirmation: resultRecordedView(contract, obligation, parsed.result),
      };
    });
  }

  /** The snooze form for a reminder, or the reason it cannot be snoozed (shown where the person clicked). */
  async snoozeFormFor(tenant: string, by: Actor, contractId: string, obligationKey: string): Promise<FormView> {
    await this.deps.access.require(tenant, by, 'snooze');
    const contract = await this.get(tenant, contractId);
    const obligation = obligationOf(contract, obligationKey);
    if (latestResults(contract).get(obligation.key)) {
      throw new BadInputError(`${obligation.title} is already recorded, so there is nothing to snooze.`);
    }
    const refusal = snoozeRefusal(contract, obligation, this.today(contract));
    if (refusal) throw new BadInputError(refusal);
    return snoozeForm(contract, obligation);
  }

  /**
   * Hides a reminder for the days chosen, with who and why; it then returns with its original due date. At most
   * MAX_SNOOZES times per item, and never past SNOOZE_OVERDUE_LIMIT_DAYS after it fell due: a snooze that would
   * reach further stops there, so an escalation is never put off beyond it.
   */
  async snooze(input: {
    tenant: string;
    contractId: string;
    obligationKey: string;
    by: Actor;
    values: FormValues;
    submission?: string;
  }): Promise<Submitted<{ until?: LocalDate }>> {
    await this.deps.access.require(input.tenant, input.by, 'snooze');
    return this.mutate(input.tenant, input.contractId, async (contract) => {
      const obligation = obligationOf(contract, input.obligationKey);
      const notice = (text: string) => ({ ok: true as const, contract, confirmation: noticeView(text) });
      if (latestResults(contract).get(obligation.key)) {
        return notice(`${obligation.title} is already recorded, so there is nothing to snooze.`);
      }
      const earlier = input.submission && contract.snoozeLog.find((s) => s.submission === input.submission);
      if (earlier) {
        return {
          ok: true,
          contract,
          until: earlier.until,
          confirmation: snoozedView(contract, obligation, earlier.until, earlier.by),
        };
      }
      const today = this.today(contract);
      const refusal = snoozeRefusal(contract, obligation, today);
      if (refusal) return notice(refusal);
      const parsed = parseSnooze(input.values);
      if (!parsed.ok) return { ok: false, form: snoozeForm(contract, obligation, parsed.errors, input.values) };
      const wanted = addDays(today, parsed.days);
      const limit = snoozeLimit(obligation);
      const until = compareDates(wanted, limit) > 0 ? limit : wanted;
      const by = person(input.by);
      contract.snoozes[obligation.key] = until;
      contract.snoozeLog.push({
        obligation: obligation.key,
        until,
        reason: parsed.reason,
        by,
        at: this.deps.clock.now().toISOString(),
        ...(input.submission ? { submission: input.submission } : {}),
      });
      await this.deps.history.record(input.tenant, recordIds.contract(contract.id), input.by, 'contract.snoozed', {
        obligation: obligation.key,
        until,
        reason: parsed.reason,
      });
      await this.save(contract);
      return { ok: true, contract, until, confirmation: snoozedView(contract, obligation, until, by) };
    });
  }

  async breachFormFor(tenant: string, by: Actor, contractId: string): Promise<FormView> {
    await this.deps.access.require(tenant, by, 'breach');
    const contract = await this.get(tenant, contractId);
    return breachForm(contract, this.today(contract));
  }

  /** Logs a breach; its 30-day notice (or review) reminder starts at once. */
  async logBreach(input: {
    tenant: string;
    contractId: string;
    values: FormValues;
    by: Actor;
    submission?: string;
  }): Promise<Submitted<{ obligation: Obligation }>> {
    await this.deps.access.require(input.tenant, input.by, 'breach');
    return this.mutate(input.tenant, input.contractId, async (contract) => {
      const today = this.today(contract);
      const earlier = input.submission && contract.breaches.find((b) => b.submission === input.submission);
      if (earlier) {
        const obligation = obligationOf(contract, `breach-cpn:${earlier.id}`);
        return { ok: true, contract, obligation, confirmation: breachLoggedView(contract, earlier, obligation) };
      }
      const parsed = parseBreach(input.values, { contract, by: person(input.by), now: this.deps.clock.now(), today });
      if (!parsed.ok) return { ok: false, form: breachForm(contract, today, parsed.errors, input.values) };
      if (input.submission) parsed.breach.submission = input.submission;
      contract.breaches.push(parsed.breach);
      await this.event(input, contract, parsed.breach.replaces ? 'contract.breach.corrected' : 'contract.breach', {
        breach: parsed.breach,
      });
      await this.save(contract);
      const obligation = obligationOf(contract, `breach-cpn:${parsed.breach.id}`);
      return {
        ok: true,
        contract,
        obligation,
        confirmation: breachLoggedView(contract, parsed.breach, obligation),
      };
    });
  }

  async reviewsFormFor(tenant: string, by: Actor, contractId: string): Promise<FormView> {
    await this.deps.access.require(tenant, by, 'register');
    const contract = await this.get(tenant, contractId);
    return reviewsForm(contract, await this.packOf(contract), this.today(contract));
  }

  /** Schedules (or reschedules) joint reviews with the supplier; each becomes a reminder with its pre-read. */
  async scheduleReviews(input: {
    tenant: string;
    contractId: string;
    values: FormValues;
    by: Actor;
  }): Promise<Submitted<object>> {
    await this.deps.access.require(input.tenant, input.by, 'register');
    return this.mutate(input.tenant, input.contractId, async (contract) => {
      const pack = await this.packOf(contract);
      const today = this.today(contract);
      const parsed = parseReviews(input.values, {
        contract,
        pack,
        today,
        by: person(input.by),
        now: this.deps.clock.now(),
      });
      if (!parsed.ok) return { ok: false, form: reviewsForm(contract, pack, today, parsed.errors, input.values) };
      const { months, first, cadence } = parsed.reviews;
      await this.event(input, contract, 'contract.reviews', { months, first, cadence });
      contract.reviews = parsed.reviews;
      await this.save(contract);
      return { ok: true, contract, confirmation: reviewsScheduledView(contract, parsed.reviews) };
    });
  }

  async changeFormFor(tenant: string, by: Actor, contractId: string): Promise<FormView> {
    await this.deps.access.require(tenant, by, 'breach');
    const contract = await this.get(tenant, contractId);
    return changeForm(contract, this.today(contract));
  }

  /** A change the supplier notified: kept on the contract, listed in the next joint review's pre-read. */
  async logChange(input: {
    tenant: string;
    contractId: string;
    values: FormValues;
    by: Actor;
    submission?: string;
  }): Promise<Submitted<object>> {
    await this.deps.access.require(input.tenant, input.by, 'breach');
    return this.mutate(input.tenant, input.contractId, async (contract) => {
      const earlier = input.submission && contract.changes?.find((c) => c.submission === input.submission);
      if (earlier) return { ok: true, contract, confirmation: changeLoggedView(contract, earlier) };
      if ((contract.changes?.length ?? 0) >= MAX_CHANGES) {
        throw new BadInputError(`${contract.id} has ${MAX_CHANGES} supplier changes logged, the most it keeps.`);
      }
      const today = this.today(contract);
      const parsed = parseChange(input.values, { contract, today, by: person(input.by), now: this.deps.clock.now() });
      if (!parsed.ok) return { ok: false, form: changeForm(contract, today, parsed.errors, input.values) };
      const change = input.submission ? { ...parsed.change, submission: input.submission } : parsed.change;
      await this.event(input, contract, 'contract.change', {
        change: { id: change.id, on: change.on, note: change.note },
      });
      contract.changes = [...(contract.changes ?? []), change];
      await this.save(contract);
      return { ok: true, contract, confirmation: changeLoggedView(contract, change) };
    });
  }

  /** The pre-reads the channel's digest carries on `date`: each joint review due three days later. */
  /** The pack of the contract's triage (by hash), else the current one. */
  private async packOf(contract: Contract): Promise<Pack> {
    const hash = contract.triage?.packHash;
    return (hash ? await this.deps.packs.byHash(hash) : undefined) ?? this.deps.packs.current();
  }

  /** An OCDS release package with the contract's implementation release, as a file to post. */
  async exportOcds(
    tenant: string,
    by: Actor,
    id: string,
    options: { ocidPrefix: string; buyerName?: string; publisherName?: string },
  ): Promise<{ release: OcdsRelease; filename: string; title: string; content: string }> {
    await this.deps.access.require(tenant, by, 'export');
    const contract = await this.get(tenant, id);
    const now = this.deps.clock.now();
    const release = ocdsRelease(contract, { now, ocidPrefix: options.ocidPrefix, buyerName: options.buyerName });
    const publisherName = options.publisherName ?? options.buyerName ?? 'AI procurement assistant';
    return {
      release,
      filename: `ocds-${contract.id}-${this.today(contract)}.json`,
      title: `OCDS release: ${contract.title}`,
      content: `${JSON.stringify(releasePackage([release], { now, publisherName }), null, 2)}\n`,
    };
  }

  /**
   * The contracts a digest finds ended on `date` (within a month of their end: a contract that ended long before
   * this was built is not asked about): each is marked once, in its history, and asked about on that day's digest.
   */
  private async foundEnded(tenant: string, contracts: Contract[], date: LocalDate): Promise<Contract[]> {
    const out: Contract[] = [];
    for (const c of contracts) {
      if (c.endedOn === date) out.push(c);
      if (c.endedOn || c.end >= date || c.end < addDays(date, -ENDED_ASK_DAYS)) continue;
      const marked = await this.mutate(tenant, c.id, async (fresh) => {
        if (fresh.endedOn) return undefined;
        await this.deps.history.record(
          tenant,
          recordIds.contract(fresh.id),
          { system: 'scheduler' },
          'contract.ended',
          {
            on: date,
          },
        );
        fresh.endedOn = date;
        await this.save(fresh);
        return fresh;
      });
      if (marked) out.push(marked);
    }
    return out;
  }

  private async mutate<T>(tenant: string, id: string, work: (contract: Contract) => Promise<T>): Promise<T> {
    return this.deps.locker.withLock(`t:${tenant}:contract:${id}`, async () => work(await this.get(tenant, id)));
  }

  /** A change to a contract, in its history (before the change is saved). */
  private async event(
    input: { tenant: string; by: Actor },
    contract: Contract,
    kind: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.history.record(input.tenant, recordIds.contract(contract.id), input.by, kind, data);
  }

  private async save(contract: Contract): Promise<void> {
    contract.updatedAt = this.deps.clock.now().toISOString();
    await this.deps.contracts.save(contract);
  }

  /** "Today" for a contract: the date in its own time zone. */
  private today(contract: Contract): LocalDate {
    return localDateOf(this.deps.clock.now(), contract.timeZone);
  }

  private async prefill(input: {
    tenant: string;
    dialogueId: string;
    by: UserRef;
    timeZone?: string;
  }): Promise<{ prefill: RegistrationPrefill; dialogue: Dialogue }> {
    const dialogue = await this.deps.dialogues.get(input.tenant, input.dialogueId);
    if (!dialogue) throw new NotFoundError('That triage no longer exists.');
    if (dialogue.status === 'open') {
      throw new BadInputError(
        'Finish the triage first: a contract can be registered once the last question is answered.',
      );
    }
    if (dialogue.status === 'stopped') {
      throw new BadInputError('This triage ended in STOP (a prohibited practice): there is no contract to register.');
    }
    const pack = await packOf(this.deps.packs, dialogue);
    const outcome = dialogueOutcome(pack, dialogue);
    const base = prefillFromTriage({
      dialogue,
      outcome,
      pack,
      by: person(input.by),
      timeZone: input.timeZone,
      now: this.deps.clock.now(),
    });
    const gate = this.deps.award;
    if (!gate) return { prefill: base, dialogue };
    const [readiness, proposals] = await Promise.all([
      gate.readiness(input.tenant, dialogue.id),
      gate.proposals(input.tenant, dialogue.id),
    ]);
    const prefill = withProposals(base, proposals);
    return { prefill: readiness.ready ? prefill : { ...prefill, early: { why: readiness.why } }, dialogue };
  }

  /**
   * A registration before the checklist is ready for award: the reason typed, or the errors to show beside the
   * field (none given; not an admin). Nothing to check when the checklist is ready or there is no gate.
   */
  private async earlyAward(
    input: { tenant: string; by: Actor; values: FormValues },
    prefill: RegistrationPrefill,
  ): Promise<{ reason?: string; errors?: Record<string, string> }> {
    if (!prefill.early) return {};
    const reason = textValue(input.values, RegistrationFields.early);
    const field = RegistrationFields.early;
    if (!reason) return { errors: { [field]: `${prefill.early.why} Say why the contract is registered now.` } };
    if (reason.length > EARLY_MAX) return { errors: { [field]: `Keep the reason under ${EARLY_MAX} characters.` } };
    const standing = await this.deps.access.standing(input.tenant, input.by);
    if (standing.role !== 'admin' || standing.guest) {
      return { errors: { [field]: 'Registering before the checklist is ready for award needs an admin.' } };
    }
    return { reason };
  }

  /** The tenant's procurement channel; else the platform's configured default; else where the triage ran. */
  private async reminderChannel(dialogue: Dialogue): Promise<string> {
    const settings = await this.deps.settings.get(dialogue.tenant);
    const own = this.deps.channelOfConversation?.[dialogue.platform]?.(dialogue.channel) ?? dialogue.channel;
    return procurementChannelOf(settings, dialogue.platform, this.deps.defaultProcurementChannels) ?? own;
  }

  private freeId(tenant: string): Promise<string> {
    const taken = async (id: string) => (await this.deps.contracts.get(tenant, id)) !== undefined;
    return freeShortId(this.deps.newId ?? (() => newContractId()), taken, 'contract');
  }
}

/** The pre-reads the digest carries on `date`: each joint review due three days later, with its open items. */
async function preReadsOf(
  contracts: Contract[],
  date: LocalDate,
  openChecklist: (contract: Contract) => Promise<{ id: string; text: string }[]>,
): Promise<ViewBlock[]> {
  const blocks: ViewBlock[] = [];
  for (const contract of contracts) {
    for (const review of reviewsForPreRead(contract, date)) {
      blocks.push(...preReadBlocks(contract, review, await openChecklist(contract)));
    }
  }
  return blocks;
}

function obligationOf(contract: Contract, key: string): Obligation {
  const obligation = findObligation(contract, key);
  if (!obligation) throw new NotFoundError('That reminder is no longer on the contract’s schedule.');
  return obligation;
}

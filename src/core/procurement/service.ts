import type { AccessService } from '../access/access.js';
import { type Actor, person } from '../access/roles.js';
import { addDays, type LocalDate, localDateOf } from '../calendar.js';
import type { DigestRow } from '../contracts/digest.js';
import type { AwardGate } from '../contracts/ports.js';
import { BadInputError, NotFoundError } from '../errors.js';
import type { History } from '../history/recorder.js';
import { freeShortId } from '../ids.js';
import type { ConversationSurface } from '../ports.js';
import { DEFAULT_TIME_ZONE, type DefaultChannels, procurementChannelOf } from '../settings.js';
import { type Dialogue, dialogueOutcome, packOf } from '../triage/dialogue.js';
import { outcomeLabels } from '../triage/labels.js';
import type { Pack } from '../triage/pack-schema.js';
import { procurementSummaryView } from '../triage/views.js';
import type { FormValues, FormView, UserRef, View } from '../view.js';
import {
  applyChange,
  changeRefusal,
  type DueChecklistItem,
  dueItems,
  itemsFromOutcome,
  reviewItems,
  workingItems,
} from './checklist.js';
import { parseEvidence, parseStart, parseUpdate } from './forms.js';
import type {
  Clock,
  DialogueRepository,
  Locker,
  PackRepository,
  ProcurementRepository,
  SettingsRepository,
} from './ports.js';
import {
  allSettled,
  type ChecklistItem,
  isSettled,
  newProcurementId,
  type Procurement,
  type Published,
  progressOf,
  progressText,
  STAGES,
  type Stage,
} from './procurement.js';
import { requestPack } from './request-pack.js';
import {
  changedView,
  checklistRows,
  checklistView,
  evidenceForm,
  progressLine,
  publishedView,
  readyView,
  recordIdOf,
  startForm,
  summaryActions,
  updateForm,
} from './views.js';

export interface ProcurementDeps {
  procurements: ProcurementRepository;
  dialogues: DialogueRepository;
  packs: PackRepository;
  settings: SettingsRepository;
  history: History;
  locker: Locker;
  clock: Clock;
  access: AccessService;
  defaultProcurementChannels?: DefaultChannels;
  channelOfConversation?: Partial<Record<'slack' | 'teams', (conversation: string) => string>>;
  newId?: () => string;
  /** A message that could not be refreshed after a saved change: logged, never shown as the change failing. */
  onPublishError?: (error: unknown, what: string) => void;
}

/** A form's outcome: the saved procurement and what to confirm, or the form again with errors beside the fields. */
export type Saved = { ok: true; procurement: Procurement; confirmation: View } | { ok: false; form: FormView };

/** Planned award, when the starter has not said: eight weeks on, time for evidence and its review. */
export const DEFAULT_AWARD_WEEKS = 8;

/**
 * From triage to award: the procurement record, its checklist, and its messages. Every change happens under the
 * procurement's lock on a fresh read, with its event in the history first; the messages it changes (the checklist
 * in the thread, the summary in the procurement channel) are redrawn after, with no lock held.
 */
export class ProcurementService implements AwardGate {
  constructor(readonly deps: ProcurementDeps) {}

  async get(tenant: string, id: string): Promise<Procurement> {
    const p = await this.deps.procurements.get(tenant, id);
    if (!p) throw new NotFoundError(`There is no procurement ${id}.`);
    return p;
  }

  byDialogue(tenant: string, dialogueId: string): Promise<Procurement | undefined> {
    return this.deps.procurements.byDialogue(tenant, dialogueId);
  }

  async startFormFor(input: { tenant: string; by: Actor; dialogueId: string; timeZone?: string }): Promise<FormView> {
    await this.deps.access.require(input.tenant, input.by, 'checklist');
    const dialogue = await this.completed(input.tenant, input.dialogueId);
    const existing = await this.byDialogue(input.tenant, input.dialogueId);
    if (existing) throw new BadInputError(`The checklist has started already: ${existing.id}, in the triage’s thread.`);
    const today = localDateOf(this.deps.clock.now(), input.timeZone ?? DEFAULT_TIME_ZONE);
    return startForm({
      dialogueId: dialogue.id,
      title: dialogue.title,
      awardDate: addDays(today, DEFAULT_AWARD_WEEKS * 7),
      owner: person(input.by),
    });
  }

  /** Creates the procurement from a completed triage, once; a second submit finds the first. */
  async start(input: {
    tenant: string;
    by: Actor;
    dialogueId: string;
    values: FormValues;
    timeZone?: string;
    people?: UserRef[];
  }): Promise<Saved> {
    await this.deps.access.require(input.tenant, input.by, 'checklist');
    const dialogue = await this.completed(input.tenant, input.dialogueId);
    const pack = await packOf(this.deps.packs, dialogue);
    const settings = await this.deps.settings.get(input.tenant);
    const timeZone = input.timeZone ?? settings.timeZone ?? DEFAULT_TIME_ZONE;
    const today = localDateOf(this.deps.clock.now(), timeZone);
    const parsed = parseStart(input.values, { today, known: input.people ?? [], fallbackOwner: person(input.by) });
    if (!parsed.ok) {
      return {
        ok: false,
        form: {
          ...startForm({ dialogueId: dialogue.id, title: dialogue.title, awardDate: today, owner: person(input.by) }),
          errors: parsed.errors,
        },
      };
    }
    const root = dialogue.root;
    if (!root) throw new BadInputError('That triage has no thread to keep its checklist in.');
    return this.deps.locker.withLock(`t:${input.tenant}:proc-start:${dialogue.id}`, async () => {
      const existing = await this.byDialogue(input.tenant, dialogue.id);
      if (existing) return { ok: true, procurement: existing, confirmation: checklistView(existing) };
      const now = this.deps.clock.now().toISOString();
      const outcome = dialogueOutcome(pack, dialogue);
      const own = this.deps.channelOfConversation?.[dialogue.platform]?.(dialogue.channel) ?? dialogue.channel;
      const p: Procurement = {
        v: 1,
        id: await this.freeId(input.tenant),
        tenant: input.tenant,
        platform: dialogue.platform,
        title: dialogue.title,
        dialogueId: dialogue.id,
        thread: root,
        channel: procurementChannelOf(settings, dialogue.platform, this.deps.defaultProcurementChannels) ?? own,
        ...(dialogue.summary?.procurement ? { summary: dialogue.summary.procurement } : {}),
        stage: 'pre-award',
        awardDate: parsed.value.awardDate,
        timeZone,
        items: itemsFromOutcome({
          outcome,
          supports: supportsIn(pack),
          awardDate: parsed.value.awardDate,
          today,
          owner: parsed.value.owner,
        }),
        scans: [],
        clauseAsks: [],
        kpiProposals: [],
        createdBy: person(input.by),
        createdAt: now,
        updatedAt: now,
      };
      await this.deps.history.record(input.tenant, recordIdOf(p), input.by, 'procurement.started', {
        dialogueId: dialogue.id,
        stage: p.stage,
        awardDate: p.awardDate,
        items: p.items.map((i) => i.id),
        owner: parsed.value.owner,
      });
      await this.deps.procurements.save(p);
      return { ok: true, procurement: p, confirmation: checklistView(p) };
    });
  }

  /**
   * Posts the checklist in the thread the first time, then redraws it in place, and the procurement channel's
   * summary with its progress. After the change is saved, never under the lock; a failure is logged, not thrown.
   * Redraws of one procurement run one after another in this process, each from the latest record, so an older
   * redraw never lands after a newer one.
   */
  publish(p: Pick<Procurement, 'tenant' | 'id'>, surface: ConversationSurface): Promise<void> {
    const key = `${p.tenant}/${p.id}`;
    const previous = this.redraws.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.redraw(p.tenant, p.id, surface));
    this.redraws.set(key, next);
    void next.finally(() => {
      if (this.redraws.get(key) === next) this.redraws.delete(key);
    });
    return next;
  }

  private readonly redraws = new Map<string, Promise<void>>();

  private async redraw(tenant: string, id: string, surface: ConversationSurface): Promise<void> {
    let p: Procurement;
    try {
      p = await this.get(tenant, id);
    } catch (error) {
      this.deps.onPublishError?.(error, 'checklist');
      return;
    }
    const view = checklistView(p);
    try {
      if (p.checklistMessage) await surface.update(p.checklistMessage, view);
      else {
        const ref = await surface.postInThread(p.thread, view, { key: `checklist:${p.id}` });
        await this.mutate(p.tenant, p.id, async (fresh) => {
          if (fresh.checklistMessage) return;
          fresh.checklistMessage = ref;
          await this.deps.procurements.save(fresh);
        });
      }
    } catch (error) {
      this.deps.onPublishError?.(error, 'checklist');
    }
    if (!p.summary) return;
    try {
      const summary = await this.summaryView(p, surface);
      if (summary) await surface.update(p.summary, summary);
    } catch (error) {
      this.deps.onPublishError?.(error, 'procurement summary');
    }
  }

  async updateFormFor(tenant: string, by: Actor, id: string, itemId?: string): Promise<FormView> {
    await this.deps.access.require(tenant, by, 'read');
    const p = await this.get(tenant, id);
    const standing = await this.deps.access.standing(tenant, by);
    if (standing.guest) return this.evidenceFormFor(tenant, by, id);
    const open = updatable(p);
    if (!open.items.length) throw new BadInputError(`${p.id} is ${p.stage}: its checklist is closed.`);
    return updateForm(open, undefined, itemId ? { item: itemId } : undefined);
  }

  async update(input: {
    tenant: string;
    by: Actor;
    id: string;
    values: FormValues;
    people?: UserRef[];
  }): Promise<Saved> {
    const standing = await this.deps.access.standing(input.tenant, input.by);
    return this.mutate(input.tenant, input.id, async (p) => {
      const today = this.today(p);
      const parsed = parseUpdate(input.values, { procurement: updatable(p), today, known: input.people ?? [] });
      if (!parsed.ok) return { ok: false, form: updateForm(updatable(p), parsed.errors, input.values) };
      const { item, change, owner, due } = parsed.value;
      const errors: Record<string, string> = {};
      const refusal = change && changeRefusal(item, change, { id: input.by.id, standing });
      if (refusal) errors.change = refusal;
      if ((owner || due) && (standing.guest || !['admin', 'procurement'].includes(standing.role))) {
        errors[owner ? 'owner' : 'due'] = 'Reassigning an item or moving its date needs the procurement role.';
      }
      if (Object.keys(errors).length) return { ok: false, form: updateForm(p, errors, input.values) };
      const at = this.deps.clock.now().toISOString();
      let next: ChecklistItem = change ? applyChange(item, change, person(input.by), at, false) : { ...item };
      if (owner) next = { ...next, owner };
      if (due) next = { ...next, due };
      await this.deps.history.record(input.tenant, recordIdOf(p), input.by, 'procurement.item', {
        item: item.id,
        ...(change ? { status: next.status } : {}),
        ...(change && 'reason' in change && change.reason ? { reason: change.reason } : {}),
        ...(next.proof && change?.kind === 'done' ? { proof: next.proof } : {}),
        ...(owner ? { owner } : {}),
        ...(due ? { due } : {}),
      });
      p.items = p.items.map((i) => (i.id === item.id ? next : i));
      // A settled checklist that reopens is no longer ready for award.
      if (p.ready && !allSettled(progressOf(p.items))) delete p.ready;
      await this.save(p);
      return { ok: true, procurement: p, confirmation: changedView(p, next) };
    });
  }

  async evidenceFormFor(tenant: string, by: Actor, id: string): Promise<FormView> {
    await this.deps.access.require(tenant, by, 'read');
    const p = await this.get(tenant, id);
    this.requireOpen(p);
    if (!p.items.some((i) => i.addressee === 'supplier' && ['open', 'received'].includes(i.status))) {
      throw new BadInputError('No evidence is waiting for the supplier on this checklist.');
    }
    return evidenceForm(p);
  }

  /** The supplier attaches proof to an evidence item addressed to it: received, for the buyer to review. */
  async attachEvidence(input: { tenant: string; by: Actor; id: string; values: FormValues }): Promise<Saved> {
    const standing = await this.deps.access.standing(input.tenant, input.by);
    return this.mutate(input.tenant, input.id, async (p) => {
      this.requireOpen(p);
      const parsed = parseEvidence(input.values, p);
      if (!parsed.ok) return { ok: false, form: evidenceForm(p, parsed.errors, input.values) };
      const { item, proof } = parsed.value;
      const refusal = changeRefusal(item, { kind: 'evidence', proof }, { id: input.by.id, standing });
      if (refusal) return { ok: false, form: evidenceForm(p, { item: refusal }, input.values) };
      const next = applyChange(
        item,
        { kind: 'evidence', proof },
        person(input.by),
        this.deps.clock.now().toISOString(),
        true,
      );
      await this.deps.history.record(input.tenant, recordIdOf(p), input.by, 'procurement.evidence', {
        item: item.id,
        proof,
      });
      p.items = p.items.map((i) => (i.id === item.id ? next : i));
      await this.save(p);
      return { ok: true, procurement: p, confirmation: changedView(p, next) };
    });
  }

  /** "Ready for award": the procurement role, once every item is done, waived or not applicable. */
  async markReady(
    tenant: string,
    by: Actor,
    id: string,
  ): Promise<{ procurement: Procurement; view: View; already: boolean }> {
    await this.deps.access.require(tenant, by, 'award');
    return this.mutate(tenant, id, async (p) => {
      this.requireOpen(p);
      if (p.ready) return { procurement: p, view: readyView(p), already: true };
      const progress = progressOf(p.items);
      if (!allSettled(progress)) {
        throw new BadInputError(
          `Not yet: ${progressText(progress)}. Every item must be done, waived or not applicable first.`,
        );
      }
      p.ready = { by: person(by), at: this.deps.clock.now().toISOString() };
      await this.deps.history.record(tenant, recordIdOf(p), by, 'procurement.ready', { progress });
      await this.save(p);
      return { procurement: p, view: readyView(p), already: false };
    });
  }

  /** The supplier request pack: every evidence item, what is asked and why, the clause it supports, when. */
  async requestPackFor(
    tenant: string,
    by: Actor,
    id: string,
  ): Promise<{ filename: string; title: string; content: string }[]> {
    await this.deps.access.require(tenant, by, 'read');
    const p = await this.get(tenant, id);
    const dialogue = await this.deps.dialogues.get(tenant, p.dialogueId);
    const pack = dialogue ? await packOf(this.deps.packs, dialogue) : undefined;
    return requestPack(p, pack);
  }

  /** What the contract registration asks: is the triage's checklist ready for award, and if not, why. */
  async readiness(tenant: string, dialogueId: string): Promise<{ ready: true } | { ready: false; why: string }> {
    const p = await this.byDialogue(tenant, dialogueId);
    if (!p) return { ready: false, why: 'No checklist was started for this triage.' };
    if (p.ready) return { ready: true };
    return {
      ready: false,
      why: `The checklist ${p.id} is not ready for award (${progressText(progressOf(p.items))}).`,
    };
  }

  /** A contract registered from the triage: the procurement is awarded. */
  async awarded(input: Parameters<AwardGate['awarded']>[0]): Promise<void> {
    const found = await this.byDialogue(input.tenant, input.dialogueId);
    if (!found) return;
    await this.mutate(input.tenant, found.id, async (fresh) => {
      if (fresh.contractId) return fresh;
      fresh.stage = 'awarded';
      fresh.contractId = input.contractId;
      fresh.term = input.term;
      if (input.early) fresh.earlyAward = { by: person(input.by), reason: input.early };
      await this.deps.history.record(input.tenant, recordIdOf(fresh), input.by, 'procurement.stage', {
        stage: 'awarded',
        contract: input.contractId,
        ...(input.early ? { early: input.early } : {}),
      });
      await this.save(fresh);
      return fresh;
    });
  }

  async proposals(tenant: string, dialogueId: string): Promise<{ id: string; title: string }[]> {
    return (await this.byDialogue(tenant, dialogueId))?.kpiProposals.map(({ id, title }) => ({ id, title })) ?? [];
  }

  async refresh(tenant: string, dialogueId: string, surface: ConversationSurface): Promise<void> {
    const p = await this.byDialogue(tenant, dialogueId);
    if (p) await this.publish(p, surface);
  }

  /** The channel's unsettled items due within a week or overdue (a published record's review among them). */
  async digestItemsFor(
    tenant: string,
    channel: string,
    date: LocalDate,
  ): Promise<{ procurement: Procurement; due: DueChecklistItem }[]> {
    return dueEntries(await this.deps.procurements.listByChannel(tenant, channel), date);
  }

  /** The digest's rows for the channel's checklists; the day's stage changes are recorded first, on the same read. */
  async digestRows(tenant: string, channel: string, date: LocalDate): Promise<DigestRow[]> {
    return checklistRows(dueEntries(await this.advanceStages(tenant, channel, date), date));
  }

  /**
   * Awarded procurements go live on their contract's start and end after its end: each change is recorded (by the
   * scheduler) the first day the channel's digest is built on or after it. Resolves with the channel's procurements
   * as they now stand.
   */
  async advanceStages(tenant: string, channel: string, date: LocalDate): Promise<Procurement[]> {
    const out: Procurement[] = [];
    for (const p of await this.deps.procurements.listByChannel(tenant, channel)) {
      if (!p.term || STAGES.indexOf(stageOn(p.term, date)) <= STAGES.indexOf(p.stage)) {
        out.push(p);
        continue;
      }
      out.push(
        await this.mutate(tenant, p.id, async (fresh) => {
          const next = fresh.term ? stageOn(fresh.term, date) : fresh.stage;
          if (STAGES.indexOf(next) <= STAGES.indexOf(fresh.stage)) return fresh;
          await this.deps.history.record(tenant, recordIdOf(fresh), { system: 'scheduler' }, 'procurement.stage', {
            stage: next,
            on: date,
          });
          fresh.stage = next;
          await this.save(fresh);
          return fresh;
        }),
      );
    }
    return out;
  }

  /**
   * A transparency record published from its draft, and its next review: that date becomes a documentation refresh
   * in the procurement channel's digest (and the lead's home). Publishing it again sets the next one.
   */
  async recordPublished(
    tenant: string,
    by: Actor,
    kind: Published['kind'],
    id: string,
    review: LocalDate,
  ): Promise<View> {
    await this.deps.access.require(tenant, by, 'publish');
    return this.mutate(tenant, id, async (p) => {
      const today = this.today(p);
      if (review <= today) throw new BadInputError('The next review date must be after today.');
      if (review > addDays(today, 5 * 366)) throw new BadInputError('The next review is more than five years away.');
      const entry: Published = { kind, on: today, review, by: person(by), at: this.deps.clock.now().toISOString() };
      await this.deps.history.record(tenant, recordIdOf(p), by, 'procurement.published', { kind, review });
      p.published = [...(p.published ?? []).filter((r) => r.kind !== kind), entry];
      await this.save(p);
      return publishedView(p, entry);
    });
  }

  /** The triage's unsettled checklist items (a joint review's pre-read lists them). */
  async openItemsOf(tenant: string, dialogueId: string): Promise<{ id: string; text: string }[]> {
    const p = await this.byDialogue(tenant, dialogueId);
    return (p?.items ?? []).filter((i) => !isSettled(i)).map(({ id, text }) => ({ id, text }));
  }

  async open(tenant: string, by: Actor, id: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'read');
    return checklistView(await this.get(tenant, id));
  }

  /** Runs `work` on a fresh read under the procurement's lock. */
  async mutate<T>(tenant: string, id: string, work: (p: Procurement) => Promise<T>): Promise<T> {
    return this.deps.locker.withLock(`t:${tenant}:proc:${id}`, async () => work(await this.get(tenant, id)));
  }

  async save(p: Procurement): Promise<void> {
    p.updatedAt = this.deps.clock.now().toISOString();
    await this.deps.procurements.save(p);
  }

  today(p: Pick<Procurement, 'timeZone'>): LocalDate {
    return localDateOf(this.deps.clock.now(), p.timeZone);
  }

  private requireOpen(p: Procurement): void {
    if (p.stage !== 'pre-award') {
      throw new BadInputError(`${p.id} is ${p.stage} (${p.contractId ?? 'no contract'}): its checklist is closed.`);
    }
  }

  private async summaryView(p: Procurement, surface: ConversationSurface): Promise<View | undefined> {
    const dialogue = await this.deps.dialogues.get(p.tenant, p.dialogueId);
    if (!dialogue) return undefined;
    const pack = await packOf(this.deps.packs, dialogue);
    const link = dialogue.root ? await surface.linkTo(dialogue.root).catch(() => undefined) : undefined;
    return procurementSummaryView(
      dialogue,
      dialogueOutcome(pack, dialogue),
      outcomeLabels(pack),
      link,
      progressLine(p),
      summaryActions(p),
    );
  }

  private async completed(tenant: string, dialogueId: string): Promise<Dialogue> {
    const dialogue = await this.deps.dialogues.get(tenant, dialogueId);
    if (!dialogue) throw new NotFoundError('That triage no longer exists.');
    if (dialogue.status === 'open')
      throw new BadInputError('Finish the triage first: the checklist comes from its outcome.');
    if (dialogue.status === 'stopped') {
      throw new BadInputError('This triage ended in STOP (a prohibited practice): there is nothing to award.');
    }
    return dialogue;
  }

  private freeId(tenant: string): Promise<string> {
    const taken = async (id: string) => (await this.deps.procurements.get(tenant, id)) !== undefined;
    return freeShortId(this.deps.newId ?? (() => newProcurementId()), taken, 'procurement');
  }
}

/** Each procurement's unsettled items (and record reviews) due within a week of `date`, or overdue. */
function dueEntries(procurements: Procurement[], date: LocalDate) {
  return procurements.flatMap((p) =>
    dueItems([...workingItems(p), ...reviewItems(p)], date).map((due) => ({ procurement: p, due })),
  );
}

/** Where an awarded procurement stands on `date`, by its contract's term. */
function stageOn(term: { start: string; end: string }, date: LocalDate): Stage {
  if (date > term.end) return 'ended';
  return date >= term.start ? 'live' : 'awarded';
}

/** The items that can still change: all before award; after it, the actions later scans added. */
function updatable(p: Procurement): Procurement {
  return { ...p, items: workingItems(p) };
}

/** The clauses each evidence item supports, as the triage's pack says. */
export function supportsIn(pack: Pack): (evidenceId: string) => string[] {
  const map = new Map(pack.rules.evidence.map((e) => [e.id, e.supports ?? []]));
  return (id) => map.get(id) ?? [];
}

import { z } from 'zod';
import { DomainError } from '../errors.js';
import type {
  Clock,
  ConversationSurface,
  DialogueRepository,
  DueIndex,
  Locker,
  PackRepository,
  RelatedLessons,
  SettingsRepository,
} from '../ports.js';
import { procurementChannelOf } from '../settings.js';
import type { View } from '../view.js';
import { findQuestion } from './answers.js';
import { type Dialogue, dialogueOutcome, type Effect, type MessageRef, packOf, questionPosition } from './dialogue.js';
import { outcomeLabels } from './labels.js';
import type { Pack, Question } from './pack-schema.js';
import type { AnswerValue } from './types.js';
import {
  answeredView,
  noticeView,
  procurementSummaryView,
  questionView,
  rootView,
  summaryView,
  withdrawnView,
} from './views.js';

/**
 * The triage's outbox. A decision about a dialogue (an answer, Back, the end) is saved together with the platform
 * effects it implies, in the dialogue record itself: one write, so the state and what it owes the chat commit
 * together. The effects then run outside the dialogue's lock, in order, each claimed for a lease first so two
 * processes never run the same one at once, each posting with an idempotency key (Slack message metadata, looked up
 * before a retried post) and each recorded when done. A slow or hung platform therefore delays messages, never a
 * click; a crash between the write and the post leaves the effect owed, and the outbox worker runs it once.
 *
 * Effects are intents, not rendered messages: a view is drawn from the dialogue when the effect runs.
 */

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;
export type EffectIntent = DistributiveOmit<Effect, 'id' | 'at' | 'attempts' | 'notBefore' | 'claim'>;

/** Failed effects are tried again after 1, 2, 4 … s, at most 8 times, then given up (the next click heals them). */
export const EFFECT_MAX_ATTEMPTS = 8;
const BACKOFF_MAX_MS = 5 * 60 * 1000;
export const backoffMs = (attempts: number) => Math.min(1000 * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);

/** The dialogue's outbox entry in the index the worker reads. */
export function outboxMember(dialogue: { tenant: string; id: string }): string {
  return JSON.stringify(['dialogue', dialogue.tenant, dialogue.id]);
}

const MemberSchema = z.tuple([z.literal('dialogue'), z.string(), z.string()]);
export function parseOutboxMember(member: string): { tenant: string; id: string } | undefined {
  try {
    const parsed = MemberSchema.safeParse(JSON.parse(member));
    return parsed.success ? { tenant: parsed.data[1], id: parsed.data[2] } : undefined;
  } catch {
    return undefined;
  }
}

export interface TriageOutboxDeps {
  dialogues: DialogueRepository;
  packs: PackRepository;
  settings: SettingsRepository;
  locker: Locker;
  clock: Clock;
  index: DueIndex;
  /** Longer than the slowest platform call can take (its timeout, with the client's own retries). */
  leaseMs: number;
  /** This process's claims. */
  token: string;
  defaultProcurementChannels?: Partial<Record<Dialogue['platform'], string>>;
  /** Lessons to offer with the summary; a failure to count them never holds the summary back. */
  relatedLessons?: RelatedLessons;
  /** Hears of effects that failed and of those given up. */
  onProblem?: (problem: { dialogue: string; effect: Effect['kind']; error: unknown; gaveUp: boolean }) => void;
}

type Done =
  | { kind: 'asked'; ref: MessageRef }
  | { kind: 'summarised'; ref: MessageRef }
  | { kind: 'root' }
  | { kind: 'shared'; ref?: MessageRef; note?: string; error?: string }
  | { kind: 'none' };

export class TriageOutbox {
  constructor(private readonly deps: TriageOutboxDeps) {}

  /**
   * Adds effects to a dialogue about to be saved, claimed by this process so the drain that follows the save runs
   * them without another write; the worker only takes them if this process dies. Call `schedule` before the save.
   */
  enqueue(dialogue: Dialogue, intents: EffectIntent[]): void {
    const now = this.deps.clock.now().getTime();
    dialogue.outbox ??= [];
    const outbox = dialogue.outbox;
    for (const intent of intents) {
      dialogue.effectSeq = (dialogue.effectSeq ?? 0) + 1;
      outbox.push({
        ...intent,
        id: `${dialogue.id}.${dialogue.effectSeq}`,
        at: now,
        attempts: 0,
        claim: { token: this.deps.token, until: now + this.deps.leaseMs },
      } as Effect);
    }
  }

  /** The index entry goes in before the record is written, so a crash leaves nothing owed that the worker misses. */
  async schedule(dialogue: Dialogue): Promise<void> {
    const due = nextDue(dialogue);
    if (due !== undefined) await this.deps.index.schedule(outboxMember(dialogue), due);
  }

  /** Someone is looking at the triage: effects waiting out a backoff go now (claims in hand are left alone). */
  retryNow(dialogue: Dialogue): void {
    for (const effect of dialogue.outbox ?? []) effect.notBefore = undefined;
  }

  /** Whether an effect of this kind is still owed (so a click need not ask for it again). */
  owes(dialogue: Dialogue, kind: Effect['kind']): boolean {
    return (dialogue.outbox ?? []).some((e) => e.kind === kind);
  }

  /**
   * Runs the dialogue's owed effects in order, outside its lock. With the request's own surface right after a
   * decision (so the clicker sees the result at once), or the worker's. Rethrows the first failure after scheduling
   * its retry, so the person who clicked hears of it.
   */
  async drain(tenant: string, id: string, surface: ConversationSurface): Promise<void> {
    // One drain per dialogue at a time in this process (claims keep processes apart): a click that lands while the
    // previous click's messages are still going out waits for them, then runs whatever is left.
    const key = `${tenant}/${id}`;
    const before = this.running.get(key);
    const mine = (before ?? Promise.resolve()).catch(() => undefined).then(() => this.drainNow(tenant, id, surface));
    const settled = mine.catch(() => undefined);
    this.running.set(key, settled);
    try {
      await mine;
    } finally {
      if (this.running.get(key) === settled) this.running.delete(key);
    }
  }

  private readonly running = new Map<string, Promise<unknown>>();

  private async drainNow(tenant: string, id: string, surface: ConversationSurface): Promise<void> {
    // An update is harmless to redo, so its record waits for the next post's: one write for both.
    const unrecorded: Array<{ effect: Effect; done: Done }> = [];
    const record = async () => {
      if (unrecorded.length > 0) await this.complete(tenant, id, unrecorded.splice(0));
    };
    for (let i = 0; i < 50; i++) {
      const taken = await this.take(tenant, id, new Set(unrecorded.map((u) => u.effect.id)));
      if (!taken) break;
      let done: Done;
      try {
        done = await this.run(taken.effect, taken.dialogue, taken.pack, surface);
      } catch (error) {
        await record();
        // A procurement channel that refuses is answered by a note in the thread: handled, go on.
        if (await this.failed(tenant, id, taken.effect, error)) continue;
        throw error;
      }
      unrecorded.push({ effect: taken.effect, done });
      if (!REDO_SAFE.has(taken.effect.kind)) await record();
    }
    await record();
  }

  private lockKey(tenant: string, id: string): string {
    return `t:${tenant}:dialogue:${id}`;
  }

  /** Under the lock: the first owed effect, claimed for this process, unless someone else holds it or it waits. */
  private async take(
    tenant: string,
    id: string,
    /** Done already in this drain, not yet recorded. */
    skip: ReadonlySet<string>,
  ): Promise<{ dialogue: Dialogue; effect: Effect; pack: Pack } | undefined> {
    return this.deps.locker.withLock(this.lockKey(tenant, id), async () => {
      const dialogue = await this.deps.dialogues.get(tenant, id);
      const effect = dialogue?.outbox?.find((e) => !skip.has(e.id));
      if (!dialogue || !effect) {
        if (!dialogue?.outbox?.length) await this.deps.index.done(outboxMember({ tenant, id }));
        return undefined;
      }
      const now = this.deps.clock.now().getTime();
      const held = effect.claim && effect.claim.until > now;
      if (held && effect.claim?.token !== this.deps.token) {
        await this.deps.index.schedule(outboxMember(dialogue), effect.claim!.until);
        return undefined;
      }
      if (!held && effect.notBefore !== undefined && effect.notBefore > now) {
        await this.deps.index.schedule(outboxMember(dialogue), effect.notBefore);
        return undefined;
      }
      if (held && effect.attempts === 0) {
        // Claimed when it was decided: this is its first run, and it needs no write of its own.
        effect.attempts = 1;
      } else {
        effect.attempts += 1;
        effect.claim = { token: this.deps.token, until: now + this.deps.leaseMs };
        effect.notBefore = undefined;
        await this.deps.index.schedule(outboxMember(dialogue), effect.claim.until);
        await this.deps.dialogues.save(dialogue);
      }
      return { dialogue, effect, pack: await packOf(this.deps.packs, dialogue) };
    });
  }

  private async complete(tenant: string, id: string, finished: Array<{ effect: Effect; done: Done }>): Promise<void> {
    await this.deps.locker.withLock(this.lockKey(tenant, id), async () => {
      const dialogue = await this.deps.dialogues.get(tenant, id);
      if (!dialogue) return;
      const before = nextDue(dialogue);
      const ids = new Set(finished.map((f) => f.effect.id));
      dialogue.outbox = (dialogue.outbox ?? []).filter((e) => !ids.has(e.id));
      for (const { effect, done } of finished) this.apply(dialogue, effect, done);
      await this.finishWrite(dialogue, before);
    });
  }

  /** Schedules the retry, or gives up; true when giving up was itself the answer (a note in the thread). */
  private async failed(tenant: string, id: string, effect: Effect, error: unknown): Promise<boolean> {
    const gaveUp = error instanceof DomainError || effect.attempts >= EFFECT_MAX_ATTEMPTS;
    this.deps.onProblem?.({ dialogue: id, effect: effect.kind, error, gaveUp });
    await this.deps.locker.withLock(this.lockKey(tenant, id), async () => {
      const dialogue = await this.deps.dialogues.get(tenant, id);
      const stored = dialogue?.outbox?.find((e) => e.id === effect.id);
      if (!dialogue || !stored) return;
      if (gaveUp) {
        dialogue.outbox = (dialogue.outbox ?? []).filter((e) => e.id !== effect.id);
        // The procurement channel refused: the thread says so, as before there was an outbox.
        if (effect.kind === 'share') this.apply(dialogue, effect, { kind: 'shared', error: reasonOf(error) });
      } else {
        // A first run counted its attempt without writing it: keep the count, so the retry looks before it posts.
        stored.attempts = Math.max(stored.attempts, effect.attempts);
        stored.claim = undefined;
        stored.notBefore = this.deps.clock.now().getTime() + backoffMs(stored.attempts);
      }
      await this.finishWrite(dialogue);
    });
    return gaveUp && effect.kind === 'share';
  }

  /** Saves, then moves or clears the index entry (moving it first when something is still owed). */
  private async finishWrite(dialogue: Dialogue, scheduledAt?: number): Promise<void> {
    const due = nextDue(dialogue);
    // Effects decided together share one claim: the entry is often where it should be already.
    if (due !== undefined && due !== scheduledAt) await this.deps.index.schedule(outboxMember(dialogue), due);
    await this.deps.dialogues.save(dialogue);
    if (due === undefined) await this.deps.index.done(outboxMember(dialogue));
  }

  private apply(dialogue: Dialogue, effect: Effect, done: Done): void {
    switch (done.kind) {
      case 'asked':
        if (effect.kind !== 'ask') return;
        if (dialogue.step === effect.step && dialogue.current === effect.questionId) {
          dialogue.currentMessage = done.ref;
          return;
        }
        {
          // Answered in the moment between the post and this record (someone clicked at once): collapse it now.
          const answer = dialogue.answers[effect.questionId];
          const number = dialogue.order.indexOf(effect.questionId) + 1;
          if (answer && number > 0) {
            this.enqueue(dialogue, [
              {
                kind: 'collapse',
                ref: done.ref,
                questionId: effect.questionId,
                value: answer.value,
                by: answer.by,
                number,
              },
            ]);
          }
        }
        return;
      case 'summarised':
        dialogue.summary = { ...dialogue.summary, thread: done.ref };
        return;
      case 'root':
        dialogue.summary = { ...dialogue.summary, rootUpdated: true };
        return;
      case 'shared': {
        dialogue.summary = {
          ...dialogue.summary,
          shared: true,
          ...(done.ref ? { procurement: done.ref } : {}),
          ...(done.error ? { procurementError: done.error } : {}),
        };
        const note =
          done.note ??
          (done.error ? `I could not post the summary to the procurement channel (${done.error}).` : undefined);
        if (note) this.enqueue(dialogue, [{ kind: 'note', text: note.slice(0, 2000) }]);
        return;
      }
      case 'none':
        return;
    }
  }

  /** What one effect does on the platform. Views are drawn from the dialogue as it is now. */
  private async run(effect: Effect, dialogue: Dialogue, pack: Pack, surface: ConversationSurface): Promise<Done> {
    const root = dialogue.root;
    switch (effect.kind) {
      case 'collapse':
        await surface.update(
          effect.ref,
          answeredView(question(pack, effect.questionId), effect.value, effect.by, effect.number),
        );
        return { kind: 'none' };
      case 'withdraw':
        await surface.update(effect.ref, withdrawnView(question(pack, effect.questionId), effect.by, effect.number));
        return { kind: 'none' };
      case 'ask': {
        const current =
          dialogue.status === 'open' && dialogue.step === effect.step && dialogue.current === effect.questionId;
        if (!root || !current) return { kind: 'none' };
        const view = questionView(
          dialogue,
          question(pack, effect.questionId),
          questionPosition(dialogue, pack),
          effect.previous as AnswerValue | undefined,
        );
        return { kind: 'asked', ref: await this.post(surface, { root }, view, effect) };
      }
      case 'summary':
        if (!root) return { kind: 'none' };
        return {
          kind: 'summarised',
          ref: await this.post(
            surface,
            { root },
            summaryView(dialogue, dialogueOutcome(pack, dialogue), outcomeLabels(pack), await this.related(dialogue)),
            effect,
          ),
        };
      case 'root':
        if (root) await surface.update(root, rootView(dialogue, outcomeLabels(pack)));
        return { kind: 'root' };
      case 'share':
        return this.share(dialogue, pack, surface, effect);
      case 'note':
        if (root) await this.post(surface, { root }, noticeView(effect.text), effect);
        return { kind: 'none' };
    }
  }

  private async related(dialogue: Dialogue): Promise<number> {
    try {
      return (await this.deps.relatedLessons?.count(dialogue)) ?? 0;
    } catch {
      return 0;
    }
  }

  private async share(dialogue: Dialogue, pack: Pack, surface: ConversationSurface, effect: Effect): Promise<Done> {
    const root = dialogue.root;
    if (!root) return { kind: 'none' };
    const settings = await this.deps.settings.get(dialogue.tenant);
    const channel = procurementChannelOf(settings, dialogue.platform, this.deps.defaultProcurementChannels);
    if (!channel) {
      return {
        kind: 'shared',
        note: 'No procurement channel is set, so the summary stayed here. Set one with the config channel command (see help).',
      };
    }
    const link = await surface.linkTo(root);
    const view = procurementSummaryView(dialogue, dialogueOutcome(pack, dialogue), outcomeLabels(pack), link);
    return { kind: 'shared', ref: await this.post(surface, { channel }, view, effect) };
  }

  /** A post that shows once: a retry first asks the platform whether an earlier attempt got through. */
  private async post(
    surface: ConversationSurface,
    where: { root: MessageRef } | { channel: string },
    view: View,
    effect: Effect,
  ): Promise<MessageRef> {
    if (effect.attempts > 1 && surface.findPosted) {
      // A lookup that times out fails the attempt (it is retried); one the platform refuses answers "not found".
      const found = await surface.findPosted(where, effect.id, effect.at);
      if (found) return found;
    }
    return 'root' in where
      ? surface.postInThread(where.root, view, { key: effect.id })
      : surface.postToChannel(where.channel, view, { key: effect.id });
  }
}

/** Effects that show the same however often they run (an update), so their record can wait for the next one's. */
const REDO_SAFE = new Set<Effect['kind']>(['collapse', 'withdraw', 'root']);

/** When the worker should next look at a dialogue: its first effect's claim or backoff, or now. */
function nextDue(dialogue: Dialogue): number | undefined {
  const first = dialogue.outbox?.[0];
  if (!first) return undefined;
  return first.claim?.until ?? first.notBefore ?? first.at;
}

/** Effects name questions of the pack they were decided under, so a missing one is a bug, not bad input. */
function question(pack: Pack, id: string): Question {
  const found = findQuestion(pack, id);
  if (!found) throw new Error(`Unknown question ${id}`);
  return found;
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

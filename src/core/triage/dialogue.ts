import { z } from 'zod';
import type { PackRepository } from '../ports.js';
import { applicableQuestions, evaluate } from './engine.js';
import type { Pack } from './pack-schema.js';
import type { Answers, Outcome } from './types.js';
import { TIERS } from './types.js';

/** Records of a triage dialogue, validated whenever they are read back from the store. */

export const UserRefSchema = z.object({ id: z.string().min(1), name: z.string().optional() });

export const MessageRefSchema = z.object({ channel: z.string().min(1), id: z.string().min(1) });
export type MessageRef = z.infer<typeof MessageRefSchema>;

export const AnswerValueSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('option'), optionId: z.string() }),
  z.object({ kind: z.literal('options'), optionIds: z.array(z.string()) }),
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('dontKnow') }),
]);

const AnswerRecordSchema = z.object({ value: AnswerValueSchema, by: UserRefSchema, at: z.string() });

const EventSchema = z.object({
  at: z.string(),
  by: UserRefSchema,
  type: z.enum(['started', 'answered', 'back', 'completed', 'exported']),
  questionId: z.string().optional(),
  value: AnswerValueSchema.optional(),
});

/** The platform effects a decision owes, run after it is saved (see effects.ts). */
const Base = {
  /** Unique per dialogue; the idempotency key of what it posts. */
  id: z.string().min(1).max(80),
  /** When it was decided (ms): where a lookup of an earlier attempt starts. */
  at: z.number(),
  attempts: z.number().int().min(0),
  /** Not tried again before this (ms): backoff after a failure. */
  notBefore: z.number().optional(),
  /** Who is running it, and until when: a claim lapses with its holder. */
  claim: z.object({ token: z.string().max(80), until: z.number() }).optional(),
};

export const EffectSchema = z.discriminatedUnion('kind', [
  /** The answered question collapses to the answer and who gave it. */
  z.object({
    ...Base,
    kind: z.literal('collapse'),
    ref: MessageRefSchema,
    questionId: z.string(),
    value: AnswerValueSchema,
    by: UserRefSchema,
    number: z.number().int(),
  }),
  /** The question left by Back says it was withdrawn. */
  z.object({
    ...Base,
    kind: z.literal('withdraw'),
    ref: MessageRefSchema,
    questionId: z.string(),
    by: UserRefSchema,
    number: z.number().int(),
  }),
  /** The current question goes into the thread (only while it is still current at `step`). */
  z.object({
    ...Base,
    kind: z.literal('ask'),
    step: z.number().int(),
    questionId: z.string(),
    previous: AnswerValueSchema.optional(),
  }),
  z.object({ ...Base, kind: z.literal('summary') }),
  z.object({ ...Base, kind: z.literal('root') }),
  /** The summary in the procurement channel, or a note in the thread saying why not. */
  z.object({ ...Base, kind: z.literal('share') }),
  z.object({ ...Base, kind: z.literal('note'), text: z.string().max(2000) }),
]);
export type Effect = z.infer<typeof EffectSchema>;

export const DialogueSchema = z.object({
  v: z.literal(1),
  id: z.string(),
  tenant: z.string(),
  platform: z.enum(['slack', 'teams']),
  title: z.string(),
  startedBy: UserRefSchema,
  startedAt: z.string(),
  pack: z.object({ id: z.string(), version: z.string(), hash: z.string() }),
  /** Where the root message lives: a Slack channel id or a Teams conversation id. */
  channel: z.string(),
  root: MessageRefSchema.optional(),
  answers: z.record(AnswerRecordSchema),
  /** Question ids in the order they were answered, so Back knows what came before. */
  order: z.array(z.string()),
  current: z.string().nullable(),
  currentMessage: MessageRefSchema.optional(),
  /** Bumped on every change; buttons carry it, so a stale or repeated click is recognised. */
  step: z.number().int().nonnegative(),
  status: z.enum(['open', 'complete', 'stopped']),
  result: z.object({ tier: z.enum(TIERS), score: z.number(), max: z.number(), provisional: z.boolean() }).optional(),
  completedAt: z.string().optional(),
  /** How far the end of the triage got: each step is recorded as it is done (see TriageService.finish). */
  summary: z
    .object({
      thread: MessageRefSchema.optional(),
      rootUpdated: z.boolean().optional(),
      procurement: MessageRefSchema.optional(),
      procurementError: z.string().optional(),
      /** The procurement channel has had its post (or the thread its note about why not). */
      shared: z.boolean().optional(),
    })
    .optional(),
  events: z.array(EventSchema),
  /** Effects decided and not yet done, oldest first (the outbox). */
  outbox: z.array(EffectSchema).max(50).optional(),
  /** Numbers the effects, so each has an id of its own. */
  effectSeq: z.number().int().nonnegative().optional(),
});

export type Dialogue = z.infer<typeof DialogueSchema>;
export type DialogueEvent = z.infer<typeof EventSchema>;

export function answersOf(dialogue: Dialogue): Answers {
  return Object.fromEntries(Object.entries(dialogue.answers).map(([id, record]) => [id, record.value]));
}

/** The pack a dialogue ran on, by hash: a later edit of the pack never changes an earlier triage. */
export async function packOf(packs: PackRepository, dialogue: Dialogue): Promise<Pack> {
  const pack = await packs.byHash(dialogue.pack.hash);
  if (!pack)
    throw new Error(`Question pack ${dialogue.pack.hash} of dialogue ${dialogue.id} is missing from the store`);
  return pack;
}

/** Where the current question stands: its number, and how many questions apply given the answers so far. */
export function questionPosition(dialogue: Dialogue, pack: Pack): { number: number; total: number } {
  return { number: dialogue.order.length + 1, total: applicableQuestions(pack, answersOf(dialogue)).length };
}

/** The day a triage speaks for (what binds "today"): the day it ended, or while open the day it began (UTC). */
export const triageDate = (dialogue: Pick<Dialogue, 'startedAt' | 'completedAt'>): string =>
  (dialogue.completedAt ?? dialogue.startedAt).slice(0, 10);

/** A dialogue's outcome from its answers; provisional (missing answers as "Don't know") while it is still open. */
export function dialogueOutcome(pack: Pack, dialogue: Dialogue): Outcome {
  return evaluate(pack, answersOf(dialogue), { partial: dialogue.status === 'open', on: triageDate(dialogue) });
}

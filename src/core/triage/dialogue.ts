import { z } from 'zod';
import type { PackRepository } from '../ports.js';
import { evaluate } from './engine.js';
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

/** A dialogue's outcome from its answers; provisional (missing answers as "Don't know") while it is still open. */
export function dialogueOutcome(pack: Pack, dialogue: Dialogue): Outcome {
  return evaluate(pack, answersOf(dialogue), { partial: dialogue.status === 'open' });
}

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../canonical-json.js';

/**
 * One change to one record, as the history keeps it: when, who (as the platform named them then), what, and the
 * hash of the event before it, so editing or removing any event breaks every hash after it.
 */
export const HistoryActorSchema = z
  .object({
    platform: z.enum(['slack', 'teams', 'system']),
    id: z.string().min(1).max(200),
    name: z.string().max(200).optional(),
  })
  .strict();
export type HistoryActor = z.infer<typeof HistoryActorSchema>;

export const HistoryEventSchema = z
  .object({
    /** `dialogue:<id>`, `contract:<id>`, `settings`, `roles`. */
    record: z.string().min(1).max(200),
    seq: z.number().int().min(1),
    at: z.string(),
    by: HistoryActorSchema,
    kind: z.string().min(1).max(60),
    data: z.record(z.unknown()),
    /** The question pack's hash, on triage events: the exact rules the answers were given under. */
    pack: z.string().max(100).optional(),
    /** The previous event's hash ('' for the first). */
    prev: z.string(),
    hash: z.string(),
    /**
     * A tombstone: the record was deleted, and this event's actor and data (personal text) went with it. Its hash and
     * link stay, so the chain still holds; only a record whose last event is its deletion may have them.
     */
    redacted: z.literal(true).optional(),
  })
  .strict();
export type HistoryEvent = z.infer<typeof HistoryEventSchema>;

/** Event kinds that end a record (its tombstone); a procurement's comes with its triage's. */
export const DELETION_KINDS = new Set(['triage.deleted', 'contract.deleted', 'procurement.deleted', 'lesson.deleted']);

/** What is left of an event of a deleted record: when, what kind, and its place in the chain. */
export function redact(event: HistoryEvent): HistoryEvent {
  const { record, seq, at, kind, prev, hash } = event;
  return { record, seq, at, kind, prev, hash, by: { platform: 'system', id: 'redacted' }, data: {}, redacted: true };
}

/**
 * The tenant's own chain: one entry per event of any of its records, in order. A record removed whole (every event
 * and its head) still shows here, and so does an event cut from the end of a record's chain.
 */
export const ChainEntrySchema = z
  .object({
    n: z.number().int().min(1),
    record: z.string().min(1).max(200),
    seq: z.number().int().min(1),
    /** The record event's hash. */
    event: z.string(),
    at: z.string(),
    prev: z.string(),
    hash: z.string(),
  })
  .strict();
export type ChainEntry = z.infer<typeof ChainEntrySchema>;

export const HeadSchema = z.object({ seq: z.number().int().min(0), hash: z.string() }).strict();
export type Head = z.infer<typeof HeadSchema>;

export { canonicalJson };

/** The hash of an event or chain entry: SHA-256 over its canonical JSON without the hash itself. */
export function hashOf(fields: Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = fields;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

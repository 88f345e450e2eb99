import { z } from 'zod';
import type { DeliveryHealth, Locker, UndeliverableTarget } from '../core/ports.js';
import { MessageRefSchema } from '../core/triage/dialogue.js';
import type { DigestTarget } from '../scheduler/types.js';
import { type Records, shortId, tenantKey } from './records.js';

const TargetSchema = z.object({ tenant: z.string(), platform: z.enum(['slack', 'teams']), channel: z.string() });
const TargetsSchema = z.array(TargetSchema);

export const OccurrenceStateSchema = z.object({
  /** `undeliverable`: the platform refused for good; the digest stays owed. */
  state: z.enum(['posting', 'sent', 'empty', 'undeliverable']),
  startedAt: z.number(),
  message: MessageRefSchema.optional(),
});
export type OccurrenceState = z.infer<typeof OccurrenceStateSchema>;

const LastSentSchema = z.object({ date: z.string() });

const DeadEndSchema = z.object({
  reason: z.string().max(100),
  advice: z.string().max(1000),
  since: z.number(),
  lastTriedAt: z.number(),
});
export type DeadEnd = z.infer<typeof DeadEndSchema>;

const TARGETS_KEY = 'sys:digest-targets';
/** Occurrence records outlive any retry (Slack's, BullMQ's) by far, then expire. */
const OCCURRENCE_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * What the scheduler keeps: the channels owed digests (shared by every tenant, so under `sys:`), the state of each
 * digest occurrence, and the last date each channel got one.
 */
export class KeyvDigestRepository implements DeliveryHealth {
  constructor(
    private readonly records: Records,
    private readonly locker: Locker,
  ) {}

  async targets(): Promise<DigestTarget[]> {
    return (await this.records.get(TARGETS_KEY, TargetsSchema)) ?? [];
  }

  async addTarget(target: DigestTarget): Promise<void> {
    await this.locker.withLock(TARGETS_KEY, async () => {
      const targets = await this.targets();
      if (
        targets.some(
          (t) => t.tenant === target.tenant && t.platform === target.platform && t.channel === target.channel,
        )
      )
        return;
      await this.records.set(TARGETS_KEY, [...targets, target]);
    });
  }

  occurrence(target: DigestTarget, date: string): Promise<OccurrenceState | undefined> {
    return this.records.get(occurrenceKey(target, date), OccurrenceStateSchema);
  }

  async setOccurrence(target: DigestTarget, date: string, state: OccurrenceState): Promise<void> {
    await this.records.set(occurrenceKey(target, date), state, OCCURRENCE_TTL_MS);
  }

  async lastSent(target: DigestTarget): Promise<string | undefined> {
    return (await this.records.get(lastKey(target), LastSentSchema))?.date;
  }

  /** The last dates of many channels in one round trip (the planner asks for all of them every minute). */
  async lastSentMany(targets: DigestTarget[]): Promise<(string | undefined)[]> {
    const records = await this.records.getMany(targets.map(lastKey), LastSentSchema);
    return records.map((record) => record?.date);
  }

  /** The channels' dead-end marks in one round trip (the planner skips those tried recently). */
  deadEnds(targets: DigestTarget[]): Promise<(DeadEnd | undefined)[]> {
    return this.records.getMany(targets.map(deadKey), DeadEndSchema);
  }

  /**
   * Records a permanent failure. Resolves true when the target was deliverable until now: its people are then told,
   * once; a later attempt that fails again only moves `lastTriedAt`.
   */
  async markDeadEnd(target: DigestTarget, failure: { reason: string; advice: string }, at: number): Promise<boolean> {
    const existing = await this.records.get(deadKey(target), DeadEndSchema);
    const mark: DeadEnd = {
      reason: failure.reason.slice(0, 100),
      advice: failure.advice.slice(0, 1000),
      since: existing?.since ?? at,
      lastTriedAt: at,
    };
    await this.records.set(deadKey(target), mark);
    return !existing;
  }

  async clearDeadEnd(target: DigestTarget): Promise<void> {
    await this.records.delete(deadKey(target));
  }

  async undeliverable(tenant: string): Promise<UndeliverableTarget[]> {
    const targets = (await this.targets()).filter((t) => t.tenant === tenant);
    const marks = await this.deadEnds(targets);
    return targets.flatMap((target, i) => {
      const mark = marks[i];
      if (!mark) return [];
      return [
        {
          platform: target.platform,
          channel: target.channel,
          reason: mark.reason,
          advice: mark.advice,
          since: new Date(mark.since).toISOString(),
          lastTriedAt: new Date(mark.lastTriedAt).toISOString(),
        },
      ];
    });
  }

  async setLastSent(target: DigestTarget, date: string): Promise<void> {
    const previous = await this.lastSent(target);
    if (!previous || previous < date) await this.records.set(lastKey(target), { date });
  }
}

function occurrenceKey(target: DigestTarget, date: string): string {
  return tenantKey(target.tenant, 'digest', target.platform, shortId(target.channel), date);
}

function deadKey(target: DigestTarget): string {
  return tenantKey(target.tenant, 'digest-dead', target.platform, shortId(target.channel));
}

function lastKey(target: DigestTarget): string {
  return tenantKey(target.tenant, 'digest-last', target.platform, shortId(target.channel));
}

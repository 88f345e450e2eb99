import { z } from 'zod';
import type { DeliveryHealth, UndeliverableTarget } from '../core/ports.js';
import { MessageRefSchema } from '../core/triage/dialogue.js';
import type { DigestTarget } from '../scheduler/types.js';
import { type Records, shortId, tenantKey } from './records.js';
import { allMembers } from './sets.js';

const TargetSchema = z.object({ tenant: z.string(), platform: z.enum(['slack', 'teams']), channel: z.string() });
const TargetsSchema = z.array(TargetSchema);
/** A target as a set member: `[tenant, platform, channel]` as JSON, read back through the same schema. */
const MemberSchema = z.tuple([z.string(), z.enum(['slack', 'teams']), z.string()]);

export const OccurrenceStateSchema = z.object({
  /** `undeliverable`: the platform refused for good; the digest stays owed. */
  state: z.enum(['posting', 'sent', 'empty', 'undeliverable']),
  startedAt: z.number(),
  /** While "posting": until when that attempt holds it (0: it failed, the next may go at once). */
  claimUntil: z.number().optional(),
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
  constructor(private readonly records: Records) {}

  /** Every channel owed digests, across tenants (the planner's round). */
  async targets(): Promise<DigestTarget[]> {
    await this.adoptLegacyList();
    return (await allMembers(this.records.sets, TARGETS_KEY, 5000)).map(targetOf);
  }

  /** One tenant's channels (status, export, deletion). */
  async targetsOf(tenant: string): Promise<DigestTarget[]> {
    await this.adoptLegacyList();
    return (await allMembers(this.records.sets, tenantTargetsKey(tenant))).map(targetOf);
  }

  /** Adding is idempotent and costs the same however many channels there are. */
  async addTarget(target: DigestTarget): Promise<void> {
    const member = [{ member: memberOf(target), score: 0 }];
    await this.records.sets.add(tenantTargetsKey(target.tenant), member);
    await this.records.sets.add(TARGETS_KEY, member);
  }

  async removeTarget(target: DigestTarget): Promise<void> {
    await this.records.sets.remove(TARGETS_KEY, [memberOf(target)]);
    await this.records.sets.remove(tenantTargetsKey(target.tenant), [memberOf(target)]);
  }

  /** Stores written before the sets kept the targets as one JSON list: move it across once per process. */
  private async adoptLegacyList(): Promise<void> {
    if (this.adopted) return;
    const legacy = await this.records.get(TARGETS_KEY, TargetsSchema);
    for (const target of legacy ?? []) await this.addTarget(target);
    if (legacy) await this.records.delete(TARGETS_KEY);
    this.adopted = true;
  }

  private adopted = false;

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
    const targets = await this.targetsOf(tenant);
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

function memberOf(target: DigestTarget): string {
  return JSON.stringify([target.tenant, target.platform, target.channel]);
}

function targetOf(member: string): DigestTarget {
  const [tenant, platform, channel] = MemberSchema.parse(JSON.parse(member));
  return { tenant, platform, channel };
}

function tenantTargetsKey(tenant: string): string {
  return tenantKey(tenant, 'digest-targets');
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

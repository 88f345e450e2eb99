import type { Dialogue, MessageRef } from './triage/dialogue.js';
import type { Pack } from './triage/pack-schema.js';
import type { UserRef, View } from './view.js';

/** Interfaces the core needs from the outside world. The store and the channels implement them. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What the core tells operations about; counted in /metrics. */
export type CoreEvent = { kind: 'dialogue_started' } | { kind: 'dialogue_completed'; tier: string };

export interface Meter {
  count(event: CoreEvent): void;
}

export const noMeter: Meter = { count: () => undefined };

export interface Locker {
  /** Runs `work` while no other caller, in this process or another replica, holds `key`. */
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export interface DialogueRepository {
  get(tenant: string, id: string): Promise<Dialogue | undefined>;
  save(dialogue: Dialogue): Promise<void>;
  remove(tenant: string, id: string): Promise<void>;
}

export interface TenantSettings {
  procurementChannel?: string;
  procurementChannelSetBy?: UserRef;
  procurementChannelSetAt?: string;
  /** IANA zone the daily reminder digest follows (default Europe/London). */
  timeZone?: string;
  /** Local hour of the daily digest, 0–23 (default 9). */
  digestHour?: number;
  /** How many years records are kept after a contract ends or a triage completes (default 7). */
  retentionYears?: number;
  /** Set while the app is uninstalled or its token revoked: nothing is posted; records stay. */
  inactive?: { since: string; reason: string };
}

/** A channel the reminders cannot reach, and what would fix it. */
export interface UndeliverableTarget {
  platform: 'slack' | 'teams';
  channel: string;
  reason: string;
  advice: string;
  /** ISO instants: first failure, and the latest attempt. */
  since: string;
  lastTriedAt: string;
}

/** What the scheduler knows of delivery, for the status command. */
export interface DeliveryHealth {
  undeliverable(tenant: string): Promise<UndeliverableTarget[]>;
}

export interface SettingsRepository {
  get(tenant: string): Promise<TenantSettings>;
  /** Several at once, in order; where absent, callers read them one by one. */
  getMany?(tenants: readonly string[]): Promise<TenantSettings[]>;
  update(tenant: string, patch: TenantSettings): Promise<TenantSettings>;
}

/** Question packs by content hash, so a dialogue always finishes on the pack it started with. */
export interface PackRepository {
  current(): Pack;
  byHash(hash: string): Promise<Pack | undefined>;
  remember(pack: Pack): Promise<void>;
}

export interface PostOptions {
  key?: string;
}

/**
 * Records due for some work, each scored by when (ms): the outbox (effects owed) and retention (the next check for
 * expiry). One entry per record; scheduling again moves it.
 */
export interface DueIndex {
  schedule(member: string, dueAt: number): Promise<void>;
  done(member: string): Promise<void>;
  due(now: number, limit: number): Promise<Array<{ member: string; dueAt: number }>>;
  /** How many entries, and the earliest due time (for /metrics and /readyz). */
  depth(): Promise<{ count: number; oldestDueAt?: number }>;
}

/** A new triage, contract or lesson, told to the lifecycle so its retention is tracked from the start. */
export interface RecordBirths {
  born(kind: 'dialogue' | 'contract' | 'lesson', tenant: string, id: string): Promise<void>;
}

/**
 * Where a conversation's messages go, bound to one request by the channel that received it.
 * Slack posts, updates and ephemerals; Teams sends activities, updates cards and posts proactively.
 */
export interface ConversationSurface {
  postRoot(channel: string, view: View): Promise<MessageRef>;
  /** `key` makes the post findable again (Slack message metadata), so a retried effect shows once. */
  postInThread(root: MessageRef, view: View, options?: PostOptions): Promise<MessageRef>;
  update(ref: MessageRef, view: View): Promise<void>;
  /** A note only `user` sees, where they are looking (Slack ephemeral, Teams card refresh or reply). */
  notifyUser(user: UserRef, view: View): Promise<void>;
  /** Posts to another channel of the same tenant (the procurement channel). */
  postToChannel(channel: string, view: View, options?: PostOptions): Promise<MessageRef>;
  /**
   * The post an earlier attempt made with `key`, if the platform can tell (Slack can; the Bot Connector cannot, so a
   * Teams effect redone after a crash in the moment between its post and its record shows twice, never not at all).
   */
  findPosted?(
    where: { root: MessageRef } | { channel: string },
    key: string,
    sinceMs: number,
  ): Promise<MessageRef | undefined>;
  /** A link to a message, for the procurement-channel summary; undefined when the platform has none. */
  linkTo(ref: MessageRef): Promise<string | undefined>;
  /** Delivers a file (the Markdown report) into the thread. */
  uploadFile(root: MessageRef, file: { filename: string; title: string; content: string }): Promise<void>;
}

/** How many lessons colleagues recorded about the kind of system a finished triage describes. */
export interface RelatedLessons {
  count(dialogue: Dialogue): Promise<number>;
}

import type { LocalDate } from '../core/calendar.js';
import type { MessageRef } from '../core/triage/dialogue.js';
import type { UserRef, View } from '../core/view.js';

/** A channel that receives a daily reminder digest. */
export interface DigestTarget {
  tenant: string;
  platform: 'slack' | 'teams';
  channel: string;
}

/** One digest owed: a target on a local date. `key` names it everywhere (store, job id, message metadata). */
export interface DigestOccurrence extends DigestTarget {
  date: LocalDate;
  key: string;
  /**
   * The zone the planner placed `date` in, so the digest dates its items alike without reading settings again.
   * Optional: digest jobs queued in Redis by an earlier version lack it.
   */
  timeZone?: string;
  /** Set when the channel was marked undeliverable: a successful post clears the mark. */
  deadEnd?: boolean;
}

/**
 * A post that cannot succeed until someone changes something (the channel archived or deleted, the bot removed, its
 * token revoked): retrying every minute would change nothing and tell nobody. `advice` says what to fix, in the
 * platform's own words.
 */
export class UndeliverableError extends Error {
  constructor(
    readonly reason: string,
    readonly advice: string,
  ) {
    super(`undeliverable: ${reason}`);
    this.name = 'UndeliverableError';
  }
}

/** Posts to a channel without being spoken to. */
export interface ChannelPoster {
  /** Throws UndeliverableError for a permanent failure; any other error is worth retrying. */
  post(target: DigestTarget, view: View, options: { key: string }): Promise<MessageRef>;
  /**
   * Tells people privately (a Slack DM; a Teams personal chat), each as far as the platform lets the bot reach them.
   * Resolves with how many were told.
   */
  tell(tenant: string, people: readonly UserRef[], view: View): Promise<number>;
  /**
   * Finds a message posted with `key` since `sinceMs`, when the platform can tell (Slack message metadata). Lets a
   * retry after a crash mid-delivery recognise a post that went out before the crash.
   */
  findPosted?(target: DigestTarget, key: string, sinceMs: number): Promise<MessageRef | undefined>;
}

export interface Scheduler {
  readonly mode: 'embedded' | 'distributed';
  start(): Promise<void>;
  /** Takes no new work, and resolves once the delivery in hand (if any) is done. */
  stop(): Promise<void>;
  /** For /readyz: 'ok' while it is running and making progress, else what is wrong. */
  health(): string;
}

export function occurrenceKey(target: DigestTarget, date: LocalDate): string {
  return `${target.tenant}|${target.platform}|${target.channel}|${date}`;
}

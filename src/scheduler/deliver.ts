import type { Clock, Locker } from '../core/ports.js';
import type { UserRef, View } from '../core/view.js';
import type { Logger } from '../log.js';
import type { KeyvDigestRepository, OccurrenceState } from '../store/digest-repository.js';
import { deadEndView } from './notices.js';
import { type ChannelPoster, type DigestOccurrence, UndeliverableError } from './types.js';

/** `undeliverable`: refused for good (see UndeliverableError); owed still, tried again after DEAD_END_RETRY_MS. */
export type DeliveryOutcome = 'sent' | 'empty' | 'already' | 'recovered' | 'undeliverable';

export interface DeliveryDeps {
  digests: KeyvDigestRepository;
  /** A lock with a short lease: a replica killed mid-delivery frees the occurrence within seconds. */
  locker: Locker;
  posters: Partial<Record<DigestOccurrence['platform'], ChannelPoster>>;
  /** The digest for a channel on a date, or nothing when nothing is due. */
  build(occurrence: DigestOccurrence): Promise<View | undefined>;
  clock: Clock;
  logger: Logger;
  /** Who is told when a channel becomes unreachable: the tenant's admins. */
  admins(tenant: string): Promise<UserRef[]>;
  /** How long a "posting" mark keeps other attempts off (POSTING_CLAIM_MS by default). */
  postingClaimMs?: number;
  /** Told each delivery's outcome, `failed` when it threw (counted in /metrics). */
  observe?: (outcome: DeliveryOutcome | 'failed') => void;
}

/**
 * Delivers one digest occurrence exactly once. The occurrence's lock is held only to read and write its state, never
 * across the post: under it, done already → nothing; a post in hand elsewhere (its claim live) → try later; a previous
 * attempt died or failed after marking "posting" → ask the platform whether the post went out (Slack message
 * metadata) and only post if it did not; otherwise mark "posting" with a claim. Then, with no lock, post; then,
 * under the lock again, mark "sent". Where the platform cannot tell (Teams), a crash between posting and marking
 * means one repeat rather than a lost reminder.
 */
export async function deliverOccurrence(occurrence: DigestOccurrence, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  try {
    const outcome = await deliverOnce(occurrence, deps);
    deps.observe?.(outcome);
    return outcome;
  } catch (error) {
    deps.observe?.('failed');
    throw error;
  }
}

/** How long a "posting" mark keeps other attempts off, by default: longer than a post can take with its retries. */
export const POSTING_CLAIM_MS = 60_000;

/** Another attempt is posting this digest now; this one gives way and is retried later. */
export class DigestBusyError extends Error {
  constructor(key: string) {
    super(`digest ${key} is being posted by another attempt`);
    this.name = 'DigestBusyError';
  }
}

async function deliverOnce(occurrence: DigestOccurrence, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const poster = deps.posters[occurrence.platform];
  if (!poster) throw new Error(`no ${occurrence.platform} channel is configured to post digests`);
  const lockKey = `digest:${occurrence.key}`;
  const claimMs = deps.postingClaimMs ?? POSTING_CLAIM_MS;
  const locked = <T>(work: () => Promise<T>) => deps.locker.withLock(lockKey, work);

  /** Under the lock: done, or the post claimed (with its view); `found` is what a lookup outside the lock saw. */
  const decide = async (found?: { at: number; message?: Awaited<ReturnType<ChannelPoster['post']>> }) =>
    locked(async () => {
      const state = await deps.digests.occurrence(occurrence, occurrence.date);
      if (state?.state === 'sent' || state?.state === 'empty') {
        await deps.digests.setLastSent(occurrence, occurrence.date);
        return 'already' as const;
      }
      const now = deps.clock.now().getTime();
      if (state?.state === 'posting') {
        // A mark without a claim was left by a version that posted under the lock: its attempt is over.
        if ((state.claimUntil ?? 0) > now) throw new DigestBusyError(occurrence.key);
        // An attempt died or failed after marking: ask the platform (outside the lock) before posting again.
        if (poster.findPosted && found?.at !== state.startedAt) return { kind: 'lookup' as const, at: state.startedAt };
        if (found?.message) {
          deps.logger.info({ key: occurrence.key }, 'digest had gone out before a crash; not posting it again');
          await deps.digests.setOccurrence(occurrence, occurrence.date, {
            state: 'sent',
            startedAt: state.startedAt,
            message: found.message,
          });
          await deps.digests.setLastSent(occurrence, occurrence.date);
          return 'recovered' as const;
        }
      }
      const view = await deps.build(occurrence);
      if (!view) {
        await deps.digests.setOccurrence(occurrence, occurrence.date, { state: 'empty', startedAt: now });
        await deps.digests.setLastSent(occurrence, occurrence.date);
        return 'empty' as const;
      }
      const startedAt = state?.state === 'posting' ? state.startedAt : now;
      await deps.digests.setOccurrence(occurrence, occurrence.date, {
        state: 'posting',
        startedAt,
        claimUntil: now + claimMs,
      });
      return { kind: 'post' as const, view, startedAt };
    });

  let decided = await decide();
  if (typeof decided === 'object' && decided.kind === 'lookup') {
    const at = decided.at;
    const message = await poster.findPosted?.(occurrence, occurrence.key, at);
    decided = await decide({ at, message });
  }
  if (typeof decided === 'string') return decided;
  if (decided.kind === 'lookup') throw new DigestBusyError(occurrence.key);
  const { view, startedAt } = decided;
  const mark = (state: OccurrenceState) => locked(() => deps.digests.setOccurrence(occurrence, occurrence.date, state));
  let message: Awaited<ReturnType<ChannelPoster['post']>>;
  try {
    message = await poster.post(occurrence, view, { key: occurrence.key });
  } catch (error) {
    if (!(error instanceof UndeliverableError)) {
      // It may have gone out (a timeout): the next attempt looks before it posts, and need not wait for the claim.
      await mark({ state: 'posting', startedAt, claimUntil: 0 }).catch(() => undefined);
      throw error;
    }
    await mark({ state: 'undeliverable', startedAt });
    await deadEnd(occurrence, error, poster, deps);
    return 'undeliverable';
  }
  await locked(async () => {
    await deps.digests.setOccurrence(occurrence, occurrence.date, { state: 'sent', startedAt, message });
    await deps.digests.setLastSent(occurrence, occurrence.date);
  });
  if (occurrence.deadEnd) await deps.digests.clearDeadEnd(occurrence);
  return 'sent';
}

/**
 * A channel the platform refuses for good: no more retries until a day has passed, and the tenant's admins are told
 * once, privately, what to fix. Telling them is best effort: a failure there is logged, and `status` shows it too.
 */
async function deadEnd(
  occurrence: DigestOccurrence,
  error: UndeliverableError,
  poster: ChannelPoster,
  deps: DeliveryDeps,
): Promise<void> {
  const first = await deps.digests.markDeadEnd(occurrence, error, deps.clock.now().getTime());
  const about = { key: occurrence.key, reason: error.reason };
  if (!first) {
    deps.logger.warn(about, 'reminders still undeliverable');
    return;
  }
  let told = 0;
  try {
    told = await poster.tell(
      occurrence.tenant,
      await deps.admins(occurrence.tenant),
      deadEndView(occurrence, error.advice),
    );
  } catch (tellError) {
    deps.logger.warn({ ...about, err: tellError }, 'could not tell the admins about undeliverable reminders');
  }
  deps.logger.error({ ...about, adminsTold: told }, 'reminders undeliverable: retries stopped, admins told');
}

import type { Clock, Locker } from '../core/ports.js';
import type { UserRef, View } from '../core/view.js';
import type { Logger } from '../log.js';
import type { KeyvDigestRepository } from '../store/digest-repository.js';
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
  /** Told each delivery's outcome, `failed` when it threw (counted in /metrics). */
  observe?: (outcome: DeliveryOutcome | 'failed') => void;
}

/**
 * Delivers one digest occurrence exactly once. Under the occurrence's lock: done already → nothing; a previous
 * attempt died after marking "posting" → ask the platform whether the post went out (Slack message metadata) and
 * only post if it did not; otherwise mark "posting", post, mark "sent". Where the platform cannot tell (Teams),
 * a crash between posting and marking means one repeat rather than a lost reminder.
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

async function deliverOnce(occurrence: DigestOccurrence, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  return deps.locker.withLock(`digest:${occurrence.key}`, async () => {
    const state = await deps.digests.occurrence(occurrence, occurrence.date);
    if (state?.state === 'sent' || state?.state === 'empty') {
      await deps.digests.setLastSent(occurrence, occurrence.date);
      return 'already';
    }
    const poster = deps.posters[occurrence.platform];
    if (!poster) throw new Error(`no ${occurrence.platform} channel is configured to post digests`);
    if (state?.state === 'posting' && poster.findPosted) {
      const found = await poster.findPosted(occurrence, occurrence.key, state.startedAt);
      if (found) {
        deps.logger.info({ key: occurrence.key }, 'digest had gone out before a crash; not posting it again');
        await deps.digests.setOccurrence(occurrence, occurrence.date, { ...state, state: 'sent', message: found });
        await deps.digests.setLastSent(occurrence, occurrence.date);
        return 'recovered';
      }
    }
    const view = await deps.build(occurrence);
    const startedAt = deps.clock.now().getTime();
    if (!view) {
      await deps.digests.setOccurrence(occurrence, occurrence.date, { state: 'empty', startedAt });
      await deps.digests.setLastSent(occurrence, occurrence.date);
      return 'empty';
    }
    await deps.digests.setOccurrence(occurrence, occurrence.date, { state: 'posting', startedAt });
    let message: Awaited<ReturnType<ChannelPoster['post']>>;
    try {
      message = await poster.post(occurrence, view, { key: occurrence.key });
    } catch (error) {
      if (!(error instanceof UndeliverableError)) throw error;
      await deps.digests.setOccurrence(occurrence, occurrence.date, { state: 'undeliverable', startedAt });
      await deadEnd(occurrence, error, poster, deps);
      return 'undeliverable';
    }
    await deps.digests.setOccurrence(occurrence, occurrence.date, { state: 'sent', startedAt, message });
    await deps.digests.setLastSent(occurrence, occurrence.date);
    if (occurrence.deadEnd) await deps.digests.clearDeadEnd(occurrence);
    return 'sent';
  });
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

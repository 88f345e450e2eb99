import type { Clock, Locker } from '../core/ports.js';
import type { View } from '../core/view.js';
import type { Logger } from '../log.js';
import type { KeyvDigestRepository } from '../store/digest-repository.js';
import type { ChannelPoster, DigestOccurrence } from './types.js';

export type DeliveryOutcome = 'sent' | 'empty' | 'already' | 'recovered';

export interface DeliveryDeps {
  digests: KeyvDigestRepository;
  /** A lock with a short lease: a replica killed mid-delivery frees the occurrence within seconds. */
  locker: Locker;
  posters: Partial<Record<DigestOccurrence['platform'], ChannelPoster>>;
  /** The digest for a channel on a date, or nothing when nothing is due. */
  build(occurrence: DigestOccurrence): Promise<View | undefined>;
  clock: Clock;
  logger: Logger;
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
    const message = await poster.post(occurrence, view, { key: occurrence.key });
    await deps.digests.setOccurrence(occurrence, occurrence.date, { state: 'sent', startedAt, message });
    await deps.digests.setLastSent(occurrence, occurrence.date);
    return 'sent';
  });
}

/**
 * Pulls every subscribed feed on a schedule (COMMONS_PULL_MINUTES). Each subscription is claimed in the store while
 * it is pulled, so two replicas never pull one at once; the pull itself is a conditional GET, so an unchanged feed costs
 * one 304. A failed pull keeps the lessons it had and says why in `config commons`.
 */
import { randomUUID } from 'node:crypto';
import type { CommonsService } from '../core/lessons/commons-service.js';
import type { Logger } from '../log.js';
import type { KeyvCommonsRepository } from '../store/commons-repository.js';
import type { Records } from '../store/records.js';

export interface CommonsPuller {
  /** One round now: every subscription not pulled by another replica this round. Resolves with how many it pulled. */
  pullAll(): Promise<number>;
  stop(): Promise<void>;
}

export function startCommonsPuller(deps: {
  repository: KeyvCommonsRepository;
  commons: CommonsService;
  records: Records;
  intervalMs: number;
  /** Longer than a pull can take: the key's and the feed's fetches, each within its timeout. */
  claimMs: number;
  logger: Logger;
}): CommonsPuller {
  const token = randomUUID();
  let round: Promise<number> | undefined;
  const pullAll = async (): Promise<number> => {
    let pulled = 0;
    for (const { tenant, id } of await deps.repository.allSubscriptions()) {
      // Held while it is pulled: a replica that comes to it meanwhile skips it (a later one gets a cheap 304).
      const key = `sys:commons:pull:${tenant}:${id}`;
      if (!(await deps.records.claim(key, token, deps.claimMs))) continue;
      try {
        const after = await deps.commons.pull(tenant, id);
        if (after.lastError) {
          deps.logger.warn({ tenant, feed: after.url, why: after.lastError }, 'a commons feed could not be pulled');
        }
        if (after.refused) {
          deps.logger.warn(
            { tenant, feed: after.url, refused: after.refused, why: after.refusedWhy },
            'commons items refused',
          );
        }
        pulled += 1;
      } catch (error) {
        // One subscription's trouble (gone meanwhile, an unreadable record) never stops the others'.
        deps.logger.warn({ tenant, subscription: id, err: error }, 'a commons subscription could not be pulled');
      } finally {
        await deps.records.release(key, token).catch(() => undefined);
      }
    }
    return pulled;
  };
  const timer = setInterval(() => {
    round ??= pullAll()
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'the commons pull round failed');
        return 0;
      })
      .finally(() => {
        round = undefined;
      });
  }, deps.intervalMs);
  timer.unref();
  return {
    pullAll,
    stop: async () => {
      clearInterval(timer);
      await round;
    },
  };
}

import { type EmbeddedDeps, EmbeddedScheduler } from './embedded.js';
import type { Scheduler } from './types.js';

/** The scheduler for this deployment: BullMQ on the store's Redis, or one process keeping its state in the store. */
export async function startScheduler(
  mode: 'embedded' | 'distributed',
  deps: EmbeddedDeps & { storeUrl: string; queueName?: string },
): Promise<Scheduler> {
  let scheduler: Scheduler;
  if (mode === 'distributed') {
    // Loaded only when used.
    const { DistributedScheduler } = await import('./distributed.js');
    scheduler = new DistributedScheduler({ ...deps, redisUrl: deps.storeUrl });
  } else {
    scheduler = new EmbeddedScheduler(deps);
  }
  await scheduler.start();
  return scheduler;
}

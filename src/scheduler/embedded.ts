import type { SettingsRepository } from '../core/ports.js';
import { type DeliveryDeps, deliverOccurrence } from './deliver.js';
import { dueOccurrences } from './plan.js';
import type { Scheduler } from './types.js';

export interface EmbeddedDeps extends DeliveryDeps {
  settings: SettingsRepository;
  intervalMs?: number;
}

/**
 * One process, state in the store: every minute, deliver what is owed. The first tick runs at start, so digests
 * that fell due while the bot was down go out once, straight away.
 */
export class EmbeddedScheduler implements Scheduler {
  readonly mode = 'embedded' as const;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: EmbeddedDeps) {}

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Delivers everything owed at the clock's now; tests drive it with a moving clock. */
  tick(): Promise<void> {
    // Ticks never overlap: a slow one (many channels, a Slack slowdown) delays the next instead.
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    let due: Awaited<ReturnType<typeof dueOccurrences>>;
    try {
      due = await dueOccurrences(this.deps.clock.now(), this.deps);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'could not plan digests');
      return;
    }
    for (const occurrence of due) {
      try {
        await deliverOccurrence(occurrence, this.deps);
      } catch (error) {
        // Left unsent: the next tick tries again.
        this.deps.logger.error({ err: error, key: occurrence.key }, 'digest delivery failed');
      }
    }
  }
}

import type { SettingsRepository } from '../core/ports.js';
import { type DeliveryDeps, deliverOccurrence } from './deliver.js';
import { dueOccurrences } from './plan.js';
import type { Scheduler } from './types.js';

export interface EmbeddedDeps extends DeliveryDeps {
  settings: SettingsRepository;
  intervalMs?: number;
  /** Aborted when the process is asked to stop, even while `start` is still catching up. */
  signal?: AbortSignal;
}

/**
 * One process, state in the store: every minute, deliver what is owed. The first tick runs at start, so digests
 * that fell due while the bot was down go out once, straight away.
 */
export class EmbeddedScheduler implements Scheduler {
  readonly mode = 'embedded' as const;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** When it last planned or delivered: a tick that stops making progress shows in /readyz. */
  private lastProgress = Date.now();

  constructor(private readonly deps: EmbeddedDeps) {
    deps.signal?.addEventListener('abort', () => {
      this.stopped = true;
    });
  }

  async start(): Promise<void> {
    await this.tick();
    if (this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopTimer();
  }

  /** Stops the minute timer only: ticks then run when called (tests move a clock and tick). */
  async stopTimer(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  health(): string {
    if (this.stopped) return 'stopped';
    const quietMs = Date.now() - this.lastProgress;
    // A minute's tick, plus a slow delivery's worth of slack.
    const limit = 3 * this.intervalMs + 60_000;
    return quietMs > limit ? `no progress for ${Math.round(quietMs / 1000)} s` : 'ok';
  }

  private get intervalMs(): number {
    return this.deps.intervalMs ?? 60_000;
  }

  /** Delivers everything owed at the clock's now; tests drive it with a moving clock. */
  tick(): Promise<void> {
    if (this.stopped) return this.running ?? Promise.resolve();
    // Ticks never overlap: a slow one (many channels, a Slack slowdown) delays the next instead.
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    this.lastProgress = Date.now();
    let due: Awaited<ReturnType<typeof dueOccurrences>>;
    try {
      due = await dueOccurrences(this.deps.clock.now(), this.deps);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'could not plan digests');
      return;
    }
    for (const occurrence of due) {
      // Stopping: the digest in hand is finished, the rest stay owed and go out at the next start.
      if (this.stopped) return;
      this.lastProgress = Date.now();
      try {
        await deliverOccurrence(occurrence, this.deps);
      } catch (error) {
        // Left unsent: the next tick tries again.
        this.deps.logger.error({ err: error, key: occurrence.key }, 'digest delivery failed');
      }
    }
  }
}

import type { Clock, DueIndex } from './ports.js';

export interface OutboxWorkerDeps {
  index: DueIndex;
  clock: Clock;
  /** Runs what one index entry owes; throws when an effect failed (its retry is already scheduled). */
  drain(member: string): Promise<void>;
  onError(member: string, error: unknown): void;
  /** How often the index is read (default 1 s). */
  intervalMs?: number;
  /** Entries taken per round. */
  batch?: number;
}

/**
 * Runs the effects nobody ran: those of a process that died between its write and its posts, and retries after a
 * failure (their backoff is the entry's score). A request runs its own effects at once; this only catches up, so a
 * round is cheap when nothing is owed (one indexed read).
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly deps: OutboxWorkerDeps) {}

  start(): void {
    this.stopped = false;
    const every = this.deps.intervalMs ?? 1000;
    const tick = () => {
      if (this.stopped) return;
      this.round = this.runOnce().finally(() => {
        this.round = undefined;
        if (!this.stopped) this.timer = setTimeout(tick, every);
      });
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  /** One round: every entry due now, a few at a time. Resolves with how many were drained without error. */
  async runOnce(): Promise<number> {
    const due = await this.deps.index.due(this.deps.clock.now().getTime(), this.deps.batch ?? 20).catch((error) => {
      this.deps.onError('(index)', error);
      return [];
    });
    let drained = 0;
    for (let i = 0; i < due.length && !this.stopped; i += 4) {
      await Promise.all(
        due.slice(i, i + 4).map(async ({ member }) => {
          try {
            await this.deps.drain(member);
            drained += 1;
          } catch (error) {
            this.deps.onError(member, error);
          }
        }),
      );
    }
    return drained;
  }

  /** Stops taking entries; resolves once the round in hand is over. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }
}

import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '../core/errors.js';
import type { Locker } from '../core/ports.js';
import type { Records } from './records.js';

export interface LockOptions {
  /**
   * Also claim the key in the store, so other processes serialise too. Needed with Redis and PostgreSQL, where
   * replicas share the store; SQLite is the one-process default, where the in-process queue is enough.
   */
  crossProcess?: boolean;
  /** How long a claim lives if its holder dies mid-work; long enough for a few Slack API calls. */
  ttlMs?: number;
  /** How long a caller waits for a busy lock before giving up. */
  waitMs?: number;
  /**
   * The longest a holder keeps the lock. Work that is still running then (a hung platform call) goes on, but the
   * lock is released, so one stuck request can never block its dialogue or digest for good.
   */
  maxHoldMs?: number;
  /** Told when a holder overran `maxHoldMs`. */
  onOverrun?: (key: string) => void;
  /** Told how long each caller waited for the lock (behind others in this process and for the store's claim). */
  onAcquired?: (key: string, waitedMs: number) => void;
}

const DEFAULT_MAX_HOLD_MS = 60_000;

/**
 * Serialises work per key. Callers in this process queue on a promise chain (no polling); across processes
 * and replicas the store's atomic claim decides, so two clicks on one dialogue never interleave.
 */
export class StoreLocker implements Locker {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly records: Records,
    private readonly options: LockOptions = {},
  ) {}

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const crossProcess = this.options.crossProcess ?? true;
    const asked = performance.now();
    const timed = this.options.onAcquired
      ? () => {
          this.options.onAcquired?.(key, performance.now() - asked);
          return work();
        }
      : work;
    const started = previous
      .catch(() => undefined)
      .then(() => (crossProcess ? this.withClaim(key, timed) : this.hold(key, timed)));
    // The next caller in this process waits for this one's hold (its work, or at most maxHoldMs of it).
    const tail = started.then(
      ({ held }) => held,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return (await started).running;
  }

  /** Starts `work` and bounds how long it holds the lock. */
  private hold<T>(key: string, work: () => Promise<T>): { running: Promise<T>; held: Promise<unknown> } {
    const running = Promise.resolve().then(work);
    return { running, held: this.bounded(key, running) };
  }

  /** Settles when `work` does, or after maxHoldMs: whichever comes first. Never rejects. */
  private bounded(key: string, work: Promise<unknown>): Promise<unknown> {
    const maxHoldMs = this.options.maxHoldMs ?? DEFAULT_MAX_HOLD_MS;
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.onOverrun?.(key);
        resolve();
      }, maxHoldMs);
      timer.unref();
    });
    const done = work.then(
      () => undefined,
      () => undefined,
    );
    return Promise.race([done, overrun]).finally(() => clearTimeout(timer));
  }

  private async withClaim<T>(
    key: string,
    work: () => Promise<T>,
  ): Promise<{ running: Promise<T>; held: Promise<unknown> }> {
    const { ttlMs = 30_000, waitMs = 10_000 } = this.options;
    const claimKey = `lock:${key}`;
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    let delay = 5;
    while (!(await this.records.claim(claimKey, token, ttlMs))) {
      if (Date.now() > deadline) throw new StoreUnavailableError(new Error(`lock ${key} busy for ${waitMs} ms`));
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 200);
    }
    // Work can outlast the lease (a slow Slack, a Retry-After): keep renewing it while the holder is alive, so no
    // other replica takes a lock whose holder is still working. A holder that dies stops renewing and loses it, and
    // one that overruns its maximum hold lets it go.
    const renewal = setInterval(
      () => {
        this.records.renew(claimKey, token, ttlMs).catch(() => undefined);
      },
      Math.max(100, Math.floor(ttlMs / 3)),
    );
    renewal.unref();
    const lock = this.hold(key, work);
    const held = lock.held.then(() => {
      clearInterval(renewal);
      return this.records.release(claimKey, token).catch(() => undefined);
    });
    return { running: lock.running, held };
  }
}

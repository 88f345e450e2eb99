import { type Job, Queue, Worker } from 'bullmq';
import type { SettingsRepository } from '../core/ports.js';
import { type DeliveryDeps, deliverOccurrence } from './deliver.js';
import { dueOccurrences } from './plan.js';
import type { DigestOccurrence, Scheduler } from './types.js';

export interface DistributedDeps extends DeliveryDeps {
  settings: SettingsRepository;
  /** The Redis of STORE_URL. */
  redisUrl: string;
  /** Queue name; tests isolate themselves with their own. */
  queueName?: string;
  planEveryMs?: number;
  /** How long a job stays locked to a replica without renewal; a killed replica's job is retried after it. */
  lockDurationMs?: number;
  concurrency?: number;
  /** Attempts per digest job, and the first backoff (doubling); about 4 minutes in all by default. */
  attempts?: number;
  backoffMs?: number;
  /** A digest whose attempts all failed (a long Slack outage) is tried afresh by the planner after this long. */
  retryFailedAfterMs?: number;
}

type PlanJob = { kind: 'plan' };
type DigestJob = { kind: 'digest'; occurrence: DigestOccurrence };

/**
 * Any number of replicas, one BullMQ queue on the store's Redis. A job scheduler runs the planner once a minute
 * across all replicas; each owed digest becomes a job whose id is the occurrence key, so it exists once however
 * many planners see it; a replica that dies holding a job loses its lock and another replica retries it, and
 * `deliverOccurrence` makes that retry post nothing twice.
 */
export class DistributedScheduler implements Scheduler {
  readonly mode = 'distributed' as const;
  private queue: Queue<PlanJob | DigestJob> | undefined;
  private worker: Worker<PlanJob | DigestJob> | undefined;
  private stopping = false;

  constructor(private readonly deps: DistributedDeps) {}

  async start(): Promise<void> {
    const name = this.deps.queueName ?? 'aiprocure-digests';
    const connection = { url: this.deps.redisUrl, maxRetriesPerRequest: null };
    this.queue = new Queue<PlanJob | DigestJob>(name, {
      connection,
      defaultJobOptions: {
        attempts: this.deps.attempts ?? 8,
        backoff: { type: 'exponential', delay: this.deps.backoffMs ?? 2000 },
        // Kept a week, so a planner re-adding an id delivered today is a no-op.
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 14 * 24 * 3600 },
      },
    });
    this.worker = new Worker<PlanJob | DigestJob>(name, (job) => this.process(job), {
      connection,
      concurrency: this.deps.concurrency ?? 8,
      lockDuration: this.deps.lockDurationMs ?? 15_000,
      stalledInterval: Math.max(1000, Math.floor((this.deps.lockDurationMs ?? 15_000) / 2)),
      maxStalledCount: 5,
    });
    // Without listeners a Redis blip would be an unhandled 'error' event, which ends the process.
    this.queue.on('error', (error) => this.deps.logger.error({ err: error }, 'digest queue error'));
    this.worker.on('error', (error) => this.deps.logger.error({ err: error }, 'digest worker error'));
    this.worker.on('failed', (job, error) =>
      this.deps.logger.error({ err: error, job: job?.id, attempts: job?.attemptsMade }, 'digest job failed'),
    );
    await this.queue.upsertJobScheduler(
      'digest-planner',
      { every: this.deps.planEveryMs ?? 60_000 },
      {
        name: 'plan',
        data: { kind: 'plan' },
        // Not the digests' defaults: the next minute's plan is the retry, and ~10,000 finished plans a week
        // would otherwise sit in Redis. A few failures are kept to look at.
        opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 },
      },
    );
    // Catch up at once: what fell due while every replica was down goes out now, not in a minute.
    await this.plan();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // close() lets the jobs in hand finish; BullMQ hands any that do not to another replica after their lock.
    await this.worker?.close();
    await this.queue?.close();
  }

  health(): string {
    if (this.stopping) return 'stopped';
    return this.worker?.isRunning() ? 'ok' : 'worker not running';
  }

  private async process(job: Job<PlanJob | DigestJob>): Promise<string> {
    if (job.data.kind === 'plan') return `planned ${await this.plan()}`;
    return deliverOccurrence(job.data.occurrence, this.deps);
  }

  private async plan(): Promise<number> {
    const queue = this.queue;
    if (!queue) return 0;
    const due = await dueOccurrences(this.deps.clock.now(), this.deps);
    if (due.length === 0) return 0;
    await queue.addBulk(
      due.map((occurrence) => ({
        name: 'digest',
        data: { kind: 'digest' as const, occurrence },
        opts: { jobId: jobId(occurrence.key) },
      })),
    );
    // Adding an id that exists is a no-op, so a digest that used up its attempts (Slack down for minutes) would
    // stay failed all day: give it a fresh start, but not every minute for a channel that always fails.
    // Usually nothing has failed: one count then, rather than a lookup per due digest every minute.
    if ((await queue.getFailedCount()) === 0) return due.length;
    const dueIds = new Set(due.map((occurrence) => jobId(occurrence.key)));
    const retryAfter = this.deps.retryFailedAfterMs ?? 15 * 60_000;
    for (const failed of await queue.getFailed()) {
      if (!failed.id || !dueIds.has(failed.id) || Date.now() - (failed.finishedOn ?? 0) <= retryAfter) continue;
      this.deps.logger.warn(
        { key: failed.data.kind === 'digest' ? failed.data.occurrence.key : failed.id },
        'retrying a failed digest',
      );
      await failed.retry('failed', { resetAttemptsMade: true });
    }
    return due.length;
  }
}

/** BullMQ job ids may not contain ':'; the key is hashed into a safe, stable id. */
function jobId(key: string): string {
  return `digest-${Buffer.from(key).toString('base64url')}`;
}

import { timingSafeEqual } from 'node:crypto';
import type { Application, RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CoreEvent, Meter } from '../core/ports.js';

/** The paths /metrics names; any other path is counted as `other`, so a stranger's URLs cannot grow the labels. */
const ROUTES = [
  '/slack/events',
  '/slack/install',
  '/slack/oauth_redirect',
  '/api/messages',
  '/downloads',
  '/healthz',
  '/readyz',
  '/metrics',
] as const;

/** The requests whose HTTP answer is the platform's acknowledgement (Slack's 3-second clock; a Teams turn). */
const ACK_ROUTES: Record<string, 'slack' | 'teams'> = { '/slack/events': 'slack', '/api/messages': 'teams' };

export type DigestOutcome = 'sent' | 'empty' | 'already' | 'recovered' | 'undeliverable' | 'failed';

function routeOf(path: string): string {
  return ROUTES.find((route) => path === route || path.startsWith(`${route}/`)) ?? 'other';
}

/**
 * Counters and histograms for /metrics, in a registry of this service's own (not prom-client's global one), so
 * several services in one process, as in the tests, count apart. Labels are a fixed, small set: no tenant, user or
 * channel ever becomes one.
 */
export class Metrics implements Meter {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'aiprocure_http_requests_total',
    help: 'HTTP requests by route and outcome (status class).',
    labelNames: ['route', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly ack = new Histogram({
    name: 'aiprocure_ack_seconds',
    help: 'Time to answer a platform request (the Slack ack; the Teams turn).',
    labelNames: ['platform'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5, 10],
    registers: [this.registry],
  });
  private readonly dialogues = new Counter({
    name: 'aiprocure_dialogues_total',
    help: 'Triage dialogues started and completed (completed by tier).',
    labelNames: ['event', 'tier'] as const,
    registers: [this.registry],
  });
  private readonly digests = new Counter({
    name: 'aiprocure_digests_total',
    help: 'Reminder digest deliveries by outcome (sent, empty, already, recovered, undeliverable, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly lockWait = new Histogram({
    name: 'aiprocure_lock_wait_seconds',
    help: 'Time from asking for a lock to holding it, by kind of record.',
    labelNames: ['kind'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'aiprocure_' });
  }

  /** Outbox depth and the age of its oldest owed effect, read from the store at each scrape. */
  watchOutbox(depth: () => Promise<{ count: number; oldestDueAt?: number }>): void {
    let last: Promise<{ count: number; oldestDueAt?: number }> | undefined;
    const read = () => {
      last ??= depth()
        .catch(() => ({ count: Number.NaN }))
        .finally(() => setTimeout(() => (last = undefined), 0));
      return last;
    };
    new Gauge({
      name: 'aiprocure_outbox_depth',
      help: 'Records with platform effects still owed (posts and updates decided, not yet done).',
      registers: [this.registry],
      async collect() {
        this.set((await read()).count);
      },
    });
    new Gauge({
      name: 'aiprocure_outbox_oldest_seconds',
      help: 'How long the oldest owed effect has been due (0 when none is).',
      registers: [this.registry],
      async collect() {
        const { oldestDueAt } = await read();
        this.set(oldestDueAt === undefined ? 0 : Math.max(0, (Date.now() - oldestDueAt) / 1000));
      },
    });
  }

  count(event: CoreEvent): void {
    if (event.kind === 'dialogue_started') this.dialogues.inc({ event: 'started', tier: '' });
    else this.dialogues.inc({ event: 'completed', tier: event.tier });
  }

  digest(outcome: DigestOutcome): void {
    this.digests.inc({ outcome });
  }

  lockWaited(key: string, ms: number): void {
    this.lockWait.observe({ kind: lockKind(key) }, ms / 1000);
  }

  /** Label children by route and outcome, made once: the hot path then skips prom-client's label hashing. */
  private readonly requestCounters = new Map<string, { inc(): void }>();
  private readonly ackTimers = new Map<string, { observe(value: number): void }>();

  /** Counts every request when it is answered; first on the app, so refusals are counted too. */
  readonly http: RequestHandler = (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const route = routeOf(req.path);
      const outcome = `${Math.floor(res.statusCode / 100)}xx`;
      const key = `${route} ${outcome}`;
      let counter = this.requestCounters.get(key);
      if (!counter) {
        counter = this.requests.labels({ route, outcome });
        this.requestCounters.set(key, counter);
      }
      counter.inc();
      const platform = ACK_ROUTES[route];
      if (!platform) return;
      let timer = this.ackTimers.get(platform);
      if (!timer) {
        timer = this.ack.labels({ platform });
        this.ackTimers.set(platform, timer);
      }
      timer.observe((performance.now() - started) / 1000);
    });
    next();
  };

  /**
   * GET /metrics. With a token, only a scraper that presents it; without one, only in local mode (this machine),
   * since a public deployment's counters are nobody else's business.
   */
  route(app: Application, access: { token?: string; local: boolean }): void {
    app.get('/metrics', async (req, res) => {
      if (!access.token && !access.local) {
        res.status(403).json({ error: '/metrics is off: set METRICS_TOKEN and scrape with that bearer token.' });
        return;
      }
      if (access.token && !bearerMatches(req.headers.authorization, access.token)) {
        res.status(401).set('www-authenticate', 'Bearer').json({ error: 'A valid bearer token is required.' });
        return;
      }
      res.set('content-type', this.registry.contentType).send(await this.registry.metrics());
    });
  }
}

/** `t:<tenant>:dialogue:<id>` → dialogue; `digest:<key>` → digest. */
function lockKind(key: string): string {
  const parts = key.split(':', 3);
  const kind = parts[0] === 't' ? parts[2] : parts[0];
  return kind && /^[a-z-]{1,20}$/.test(kind) ? kind : 'other';
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

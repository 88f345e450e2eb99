import type { Server } from 'node:http';
import express, { type Application, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from '../log.js';
import type { InFlight } from '../ops/in-flight.js';
import type { Metrics } from '../ops/metrics.js';
import { type ReadinessCheck, readinessRoute } from '../ops/readiness.js';

export interface HttpOptions {
  /** Local mode: this machine only, so no caller from elsewhere and nothing relayed by a proxy or tunnel. */
  local: boolean;
  /** What /healthz reports besides `ok`. */
  health: () => Record<string, unknown>;
  /** What /readyz checks; each answers 'ok' or what is wrong. */
  readiness?: Record<string, ReadinessCheck>;
  metrics?: { registry: Metrics; token?: string };
  /** Every request is tracked until its answer is sent, so a shutdown waits for it. */
  inFlight?: InFlight;
  /** True once shutdown has begun: new work is refused with 503, so the platforms retry elsewhere or later. */
  draining?: () => boolean;
}

/** Paths an operator or orchestrator reads while the service drains. */
const OPERATIONS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Behind a proxy or tunnel on the same host every caller looks like loopback, so in local mode a request that says
 * it was forwarded is refused, as is any peer that is not this machine.
 */
export const localOnly: RequestHandler = (req, res, next) => {
  const forwarded = req.headers.forwarded !== undefined || req.headers['x-forwarded-for'] !== undefined;
  if (forwarded || !LOOPBACK_PEERS.has(req.socket.remoteAddress ?? '')) {
    res.status(403).json({
      error: forwarded
        ? 'Local mode refuses requests relayed by a proxy or tunnel: it serves this machine only.'
        : 'Local mode serves this machine only.',
    });
    return;
  }
  next();
};

/** One express app and one port for everything: Slack events, Teams messages, health. */
export function createHttpApp(options: HttpOptions): Application {
  const app = express();
  app.disable('x-powered-by');
  if (options.metrics) app.use(options.metrics.registry.http);
  const inFlight = options.inFlight;
  if (inFlight) {
    app.use((_req, res, next) => {
      void inFlight.track(new Promise((resolve) => res.once('close', resolve)));
      next();
    });
  }
  if (options.local) app.use(localOnly);
  const draining = options.draining;
  if (draining) {
    app.use((req, res, next) => {
      if (!draining() || OPERATIONS_PATHS.has(req.path)) return next();
      res.status(503).set({ connection: 'close', 'retry-after': '5' }).json({ error: 'Shutting down; try again.' });
    });
  }
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, ...options.health() });
  });
  app.get('/readyz', readinessRoute(options.readiness ?? {}));
  options.metrics?.registry.route(app, { token: options.metrics.token, local: options.local });
  return app;
}

/**
 * The last handlers, after every route: unknown paths get 404, a body that is not JSON 400, anything else 500 with a
 * reference; never a stack trace, in any environment (express prints one outside production).
 */
export function finishHttpApp(app: Application, logger: Logger): void {
  app.use((_req, res) => {
    res.status(404).json({ error: 'Not found.' });
  });
  const onError: ErrorRequestHandler = (error: { type?: string; status?: number }, req, res, _next) => {
    if (res.headersSent) return;
    if (error.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'The request body is not valid JSON.' });
    } else if (error.type === 'entity.too.large') {
      res.status(413).json({ error: 'The request body is too large.' });
    } else if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ error: 'Bad request.' });
    } else {
      logger.error({ err: error, path: req.path }, 'unhandled HTTP error');
      res.status(500).json({ error: 'Something went wrong.' });
    }
  };
  app.use(onError);
}

export function listen(app: Application, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Express 5 passes a listen error to the callback.
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

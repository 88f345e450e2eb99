import express from 'express';
import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/ops/in-flight.js';
import { readinessRoute } from '../../src/ops/readiness.js';

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('InFlight', () => {
  it('drains once everything running has ended, including work started while it waits', async () => {
    const inFlight = new InFlight();
    const ended: string[] = [];
    void inFlight.track(later(30).then(() => ended.push('first')));
    void inFlight.track(
      later(10).then(() => {
        ended.push('second');
        void inFlight.track(later(40).then(() => ended.push('started meanwhile')));
      }),
    );
    expect(await inFlight.drain(2000)).toBe(true);
    expect(ended).toEqual(['second', 'first', 'started meanwhile']);
    expect(inFlight.size).toBe(0);
  });

  it('gives up after its time, and counts what is left; a failure counts as ended', async () => {
    const inFlight = new InFlight();
    void inFlight.track(later(5000));
    inFlight.track(Promise.reject(new Error('failed'))).catch(() => undefined);
    const started = Date.now();
    expect(await inFlight.drain(50)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(inFlight.size).toBe(1);
  });
});

describe('/readyz', () => {
  async function serve(checks: Parameters<typeof readinessRoute>[0]) {
    const app = express();
    app.get('/readyz', readinessRoute(checks, 100));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: res.status, body: await res.json() };
    } finally {
      server.close();
    }
  }

  it('is 503 naming the check that is slow, failing or not ok, and never shows an error text', async () => {
    const answer = await serve({
      fine: () => 'ok',
      slow: () => later(1000).then(() => 'ok'),
      broken: () => {
        throw new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
      },
      unhappy: async () => 'worker not running',
    });
    expect(answer).toEqual({
      status: 503,
      body: {
        ready: false,
        checks: { fine: 'ok', slow: 'no answer within 100 ms', broken: 'failed', unhappy: 'worker not running' },
      },
    });
    expect(await serve({ fine: () => 'ok' })).toEqual({ status: 200, body: { ready: true, checks: { fine: 'ok' } } });
  });
});

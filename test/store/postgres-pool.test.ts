/**
 * The PostgreSQL store's connection pool, on the machine's real server: a store's connections dropped under it (as
 * by a PostgreSQL restart or failover) are an error in the log, not a crashed process, and the next read reconnects;
 * and two stores on one URL (two services in one process) do not share a pool that one of them can close.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { POSTGRES_URL, quietLogger, testNamespace } from '../helpers/backends.js';

/** The URL with an application_name of its own, so the test can find (and drop) just this store's connections. */
function taggedUrl(tag: string): string {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('application_name', tag);
  return url.toString();
}

async function dropConnections(tag: string): Promise<number> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      'SELECT pg_terminate_backend(pid) AS dropped FROM pg_stat_activity WHERE application_name = $1',
      [tag],
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}

describe('the PostgreSQL store when its connections drop', () => {
  it('logs the dropped connection, keeps the process up, and reads again on the next call', async () => {
    const tag = `aiprocure-test-${randomUUID().slice(0, 8)}`;
    const logged: Array<{ msg?: string; store?: string }> = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const store = await openStore(taggedUrl(tag), { logger, namespace: testNamespace() });
    try {
      await store.keyv.set('t:x:note', { text: 'kept' });
      expect(await dropConnections(tag)).toBeGreaterThan(0);
      // The pool hears of the dropped idle connection asynchronously.
      await expect.poll(() => logged.some((l) => l.msg === 'store error' && l.store === 'postgres')).toBe(true);
      expect(await store.keyv.get('t:x:note')).toEqual({ text: 'kept' });
    } finally {
      await store.close();
    }
  });

  it('closing one store leaves another on the same URL working', async () => {
    const namespace = testNamespace();
    const first = await openStore(POSTGRES_URL, { logger: quietLogger, namespace });
    const second = await openStore(POSTGRES_URL, { logger: quietLogger, namespace });
    try {
      await first.keyv.set('t:x:note', { text: 'shared' });
      await first.close();
      expect(await second.keyv.get('t:x:note')).toEqual({ text: 'shared' });
      await second.keyv.clear();
    } finally {
      await second.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';

/**
 * The three stores every contract test runs against. PostgreSQL and Redis are the machine's own servers
 * (`.ci/run` starts them when they are down); override with TEST_REDIS_URL / TEST_POSTGRES_URL.
 */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function sqliteUrl(): string {
  return `sqlite://${join(mkdtempSync(join(tmpdir(), 'aiprocure-')), 'bot.sqlite')}`;
}

export const backends = [
  { name: 'sqlite', url: sqliteUrl },
  { name: 'redis', url: () => REDIS_URL },
  { name: 'postgres', url: () => POSTGRES_URL },
] as const;

export function testNamespace(): string {
  return `test_${randomUUID().slice(0, 8)}`;
}

export const quietLogger = pino({ level: 'silent' });

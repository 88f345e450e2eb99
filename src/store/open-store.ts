import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import KeyvRedis, { createClient } from '@keyv/redis';
import Keyv from 'keyv';
import type { Logger } from '../log.js';
import { type Atomic, postgresAtomic, type RedisLike, redisAtomic } from './atomic.js';
import { PostgresStore } from './postgres-store.js';
import { postgresSets, type RedisCommands, redisSets, type SortedSets } from './sets.js';
import { SqliteStore } from './sqlite-store.js';

export type StoreKind = 'sqlite' | 'redis' | 'postgres';

/** Keyv plus the backend's atomic primitives, opened from one URL. */
export interface StoreHandle {
  kind: StoreKind;
  keyv: Keyv;
  atomic: Atomic;
  /** Indexes that grow without a rewrite (see sets.ts). */
  sets: SortedSets;
  /**
   * Deletes expired rows that Keyv leaves behind until they are read (digest occurrences, dedupe marks, downloads,
   * lapsed claims). Redis expires keys itself: nothing to do there. Resolves with how many rows went.
   */
  sweepExpired(now?: number): Promise<number>;
  close(): Promise<void>;
}

const SWEEP_BATCH = 1000;

/** The Keyv namespace of every deployment (tests pass their own). */
export const NAMESPACE = 'aiprocure';

/** Every record is plain JSON; Keyv's default serializer also walks values for Buffers, which we never store. */
const json = {
  serialize: (data: unknown) => JSON.stringify(data),
  deserialize: (text: string) => JSON.parse(text),
};

export interface OpenStoreOptions {
  logger: Logger;
  /** Keyv namespace; tests use their own so suites sharing a server never see each other's keys. */
  namespace?: string;
}

export async function openStore(
  url: string,
  { logger, namespace = NAMESPACE }: OpenStoreOptions,
): Promise<StoreHandle> {
  const kind = storeKind(url);
  const onError = (error: unknown) => logger.error({ err: error, store: kind }, 'store error');

  if (kind === 'sqlite') {
    const file = url.replace(/^sqlite:\/\//, '');
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const store = new SqliteStore(file);
    store.on('error', onError);
    const keyv = new Keyv({ store, namespace, throwOnErrors: true, ...json });
    keyv.on('error', onError);
    return {
      kind,
      keyv,
      atomic: store.atomic(`${namespace}:`),
      sets: store.sets(`${namespace}:`),
      sweepExpired: (now = Date.now()) => store.sweepExpired(namespace, now, SWEEP_BATCH),
      close: () => store.disconnect(),
    };
  }

  if (kind === 'redis') {
    const client = createClient({
      url,
      // Fail fast while Redis is down (callers time out and say "temporarily unavailable"), keep retrying behind.
      socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000) },
    });
    client.on('error', onError);
    const store = new KeyvRedis(client, { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: 2000 });
    store.on('error', onError);
    const keyv = new Keyv({ store, namespace, throwOnErrors: true, ...json });
    keyv.on('error', onError);
    const connected = async () => (await store.getClient()) as unknown as RedisLike;
    return {
      kind,
      keyv,
      atomic: redisAtomic(connected, `${namespace}:claim:`),
      sets: redisSets(async () => (await store.getClient()) as unknown as RedisCommands, `${namespace}:set:`),
      sweepExpired: async () => 0,
      close: async () => {
        if (client.isOpen) await client.close();
      },
    };
  }

  const store = new PostgresStore({ uri: url, table: 'aiprocure_kv', connectionTimeoutMillis: 2000 }, onError);
  store.on('error', onError);
  const keyv = new Keyv({ store, namespace, throwOnErrors: true, ...json });
  keyv.on('error', onError);
  const query = (sql: string, params: unknown[]) => store.query(sql, params) as Promise<Array<Record<string, unknown>>>;
  const prefix = `${namespace.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`;
  const sweepExpired = async (now = Date.now()) => {
    let deleted = 0;
    for (;;) {
      // Keyv writes {"value":…,"expires":<ms>} only for records with a lifetime; the LIKE skips the rest cheaply.
      const rows = await query(
        `DELETE FROM aiprocure_kv WHERE key IN (SELECT key FROM aiprocure_kv WHERE key LIKE $1
           AND value LIKE '%"expires":%' AND (value::jsonb->>'expires')::bigint < $2 LIMIT ${SWEEP_BATCH})
         RETURNING 1 AS gone`,
        [prefix, now],
      );
      deleted += rows.length;
      if (rows.length < SWEEP_BATCH) break;
    }
    await query('DELETE FROM aiprocure_claims WHERE key LIKE $1 AND expires_at <= $2', [prefix, now]).catch(
      () => undefined,
    );
    return deleted;
  };
  return {
    kind,
    keyv,
    atomic: postgresAtomic(query, `${namespace}:`),
    sets: postgresSets(query, `${namespace}:`),
    sweepExpired,
    close: () => store.disconnect(),
  };
}

export function storeKind(url: string): StoreKind {
  if (url.startsWith('sqlite://')) return 'sqlite';
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return 'redis';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  throw new Error(`Unsupported STORE_URL scheme: ${url.split(':')[0]}`);
}

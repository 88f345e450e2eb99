/**
 * The few atomic operations Keyv does not offer, done with each backend's own primitive:
 * PostgreSQL (and SQLite, in sqlite-store.ts) `INSERT … ON CONFLICT … WHERE expired`, Redis `SET NX PX`.
 * They back the de-duplication marks (first delivery wins) and the per-dialogue locks.
 */
export interface Atomic {
  /** Claims `key` for `ttlMs` unless someone holds a live claim. True when this call won it. */
  claim(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Releases a claim, only if `token` still holds it. */
  release(key: string, token: string): Promise<void>;
  /** Extends a live claim `token` still holds to `ttlMs` from now; false if it was lost. */
  renew(key: string, token: string, ttlMs: number): Promise<boolean>;
}

type Query = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

const TABLE = 'aiprocure_claims';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

/** Expired claims are only overwritten when the same key is claimed again; sweep the rest now and then. */
function sweeper(query: Query, placeholder: string) {
  let last = Date.now();
  return (now: number) => {
    if (now - last < SWEEP_EVERY_MS) return;
    last = now;
    query(`DELETE FROM ${TABLE} WHERE expires_at <= ${placeholder}`, [now]).catch(() => undefined);
  };
}

/** Creates the claims table on first use; a failure (store down) is retried on the next call. */
function once(create: () => Promise<unknown>): () => Promise<unknown> {
  let done: Promise<unknown> | undefined;
  return () => {
    done ??= create().catch((error: unknown) => {
      done = undefined;
      throw error;
    });
    return done;
  };
}

export function postgresAtomic(query: Query, prefix: string): Atomic {
  const ready = once(() =>
    query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at BIGINT NOT NULL)`,
      [],
    ).catch((error: unknown) => {
      // Two processes creating the table at once: the loser sees a unique violation on the catalog; harmless.
      if ((error as { code?: string }).code !== '23505') throw error;
    }),
  );
  const sweep = sweeper(query, '$1');
  return {
    async claim(rawKey, token, ttlMs) {
      await ready();
      const key = prefix + rawKey;
      const now = Date.now();
      sweep(now);
      const rows = await query(
        `INSERT INTO ${TABLE} (key, token, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
         WHERE ${TABLE}.expires_at <= $4 RETURNING key`,
        [key, token, now + ttlMs, now],
      );
      return rows.length === 1;
    },
    async release(key, token) {
      await ready();
      await query(`DELETE FROM ${TABLE} WHERE key = $1 AND token = $2`, [prefix + key, token]);
    },
    async renew(key, token, ttlMs) {
      await ready();
      const now = Date.now();
      const rows = await query(
        `UPDATE ${TABLE} SET expires_at = $3 WHERE key = $1 AND token = $2 AND expires_at > $4 RETURNING key`,
        [prefix + key, token, now + ttlMs, now],
      );
      return rows.length === 1;
    },
  };
}

/** The subset of a node-redis client this needs. */
export interface RedisLike {
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";
const RENEW_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";

export function redisAtomic(client: () => Promise<RedisLike>, prefix: string): Atomic {
  return {
    async claim(key, token, ttlMs) {
      const redis = await client();
      return (await redis.set(`${prefix}${key}`, token, { NX: true, PX: ttlMs })) === 'OK';
    },
    async release(key, token) {
      const redis = await client();
      await redis.eval(RELEASE_SCRIPT, { keys: [`${prefix}${key}`], arguments: [token] });
    },
    async renew(key, token, ttlMs) {
      const redis = await client();
      return (await redis.eval(RENEW_SCRIPT, { keys: [`${prefix}${key}`], arguments: [token, String(ttlMs)] })) === 1;
    },
  };
}

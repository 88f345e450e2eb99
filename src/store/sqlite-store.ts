import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter } from 'keyv';
import type { Atomic } from './atomic.js';
import { SETS_TABLE, type SortedSets } from './sets.js';

/**
 * Keyv's storage adapter for SQLite on better-sqlite3: prepared statements run synchronously in microseconds.
 * (@keyv/sqlite on node-sqlite3 prepares and finalizes a statement per call on the main thread, which stalled the
 * event loop under load: `npm run bench` showed about half the baseline's throughput with it.) The same
 * connection backs the atomic claims, in a table beside Keyv's, so several processes on one file agree too.
 */
export class SqliteStore extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { url: string; dialect: 'sqlite' };
  namespace?: string;
  private readonly db: Database.Database;
  private readonly statements;
  /** Writes waiting for the next group commit; each settles only once its transaction has committed. */
  private pending: Array<{ run: () => unknown; settle: (error: unknown, result?: unknown) => void }> = [];

  constructor(file: string) {
    super();
    this.opts = { url: `sqlite://${file}`, dialect: 'sqlite' };
    this.db = new Database(file, { timeout: 5000 });
    // WAL lets readers run beside a writer; NORMAL survives a process crash (only the last commits could go on
    // power loss), without an fsync per commit.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS keyv (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS aiprocure_claims (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${SETS_TABLE} (name TEXT NOT NULL, member TEXT NOT NULL, score REAL NOT NULL,
        PRIMARY KEY (name, member)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ${SETS_TABLE}_by_score ON ${SETS_TABLE} (name, score, member);`);
    this.statements = {
      get: this.db.prepare<[string], { value: string }>('SELECT value FROM keyv WHERE key = ?'),
      set: this.db.prepare<[string, string]>(
        'INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      delete: this.db.prepare<[string]>('DELETE FROM keyv WHERE key = ?'),
      clear: this.db.prepare<[string]>("DELETE FROM keyv WHERE key LIKE ? ESCAPE '\\'"),
      page: this.db.prepare<[string, string, number], { key: string; value: string }>(
        "SELECT key, value FROM keyv WHERE key LIKE ? ESCAPE '\\' AND key > ? ORDER BY key LIMIT ?",
      ),
      claim: this.db.prepare<[string, string, number, number]>(
        `INSERT INTO aiprocure_claims (key, token, expires_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
         WHERE aiprocure_claims.expires_at <= ?`,
      ),
      release: this.db.prepare<[string, string]>('DELETE FROM aiprocure_claims WHERE key = ? AND token = ?'),
      renew: this.db.prepare<[number, string, string, number]>(
        'UPDATE aiprocure_claims SET expires_at = ? WHERE key = ? AND token = ? AND expires_at > ?',
      ),
      sweep: this.db.prepare<[number]>('DELETE FROM aiprocure_claims WHERE expires_at <= ?'),
      setAdd: this.db.prepare<[string, string, number]>(
        `INSERT INTO ${SETS_TABLE} (name, member, score) VALUES (?, ?, ?)
         ON CONFLICT(name, member) DO UPDATE SET score = excluded.score`,
      ),
      setRemove: this.db.prepare<[string, string]>(`DELETE FROM ${SETS_TABLE} WHERE name = ? AND member = ?`),
      setMembers: this.db.prepare<[string, string, number], { member: string }>(
        `SELECT member FROM ${SETS_TABLE} WHERE name = ? AND member > ? ORDER BY member LIMIT ?`,
      ),
      setDue: this.db.prepare<[string, number, number], { member: string; score: number }>(
        `SELECT member, score FROM ${SETS_TABLE} WHERE name = ? AND score <= ? ORDER BY score, member LIMIT ?`,
      ),
      setCount: this.db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${SETS_TABLE} WHERE name = ?`),
      expired: this.db.prepare<[string, number, number]>(
        `DELETE FROM keyv WHERE key IN (SELECT key FROM keyv WHERE key LIKE ? ESCAPE '\\'
           AND json_extract(value, '$.expires') < ? LIMIT ?)`,
      ),
    };
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    return this.statements.get.get(key)?.value as Value | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    return keys.map((key) => this.statements.get.get(key)?.value as Value | undefined);
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.write(() => this.statements.set.run(key, String(value)));
  }

  /** Several keys in one write, so they commit together or not at all (a history append's four keys). */
  async setMany(entries: Array<{ key: string; value: unknown }>): Promise<void> {
    await this.write(() => {
      for (const { key, value } of entries) this.statements.set.run(key, String(value));
    });
  }

  async delete(key: string): Promise<boolean> {
    return this.write(() => this.statements.delete.run(key).changes > 0);
  }

  /**
   * Group commit: writes issued in the same turn of the event loop share one transaction, so concurrent requests
   * pay for one commit instead of one each. A write's promise settles after its transaction commits; a failing
   * statement fails only its own write.
   */
  private write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ run, settle: (error, result) => (error ? reject(error) : resolve(result as T)) });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: item.run() });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        }
      })();
    } catch (error) {
      for (const item of batch) item.settle(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      item.settle(outcome.ok ? undefined : outcome.value, outcome.value);
    });
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return this.write(() =>
      keys.reduce((deleted, key) => this.statements.delete.run(key).changes > 0 || deleted, false),
    );
  }

  async has(key: string): Promise<boolean> {
    return this.statements.get.get(key) !== undefined;
  }

  async clear(): Promise<void> {
    await this.write(() => this.statements.clear.run(`${likePrefix(this.namespace)}%`));
  }

  async *iterator<Value>(namespace?: string): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    const pattern = `${likePrefix(namespace)}%`;
    let after = '';
    for (;;) {
      const rows = this.statements.page.all(pattern, after, 100);
      for (const row of rows) yield [row.key, row.value as Awaited<Value>];
      if (rows.length < 100) return;
      after = rows.at(-1)!.key;
    }
  }

  async disconnect(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    this.db.close();
  }

  /**
   * Deletes the rows of `namespace` whose Keyv expiry has passed (Keyv drops an expired row only when it is read), in
   * batches, each its own short transaction, so writers are never held up for long. Resolves with how many.
   */
  async sweepExpired(namespace: string, now: number, batch = 1000): Promise<number> {
    const pattern = `${likePrefix(namespace)}%`;
    let deleted = 0;
    for (;;) {
      const changes = await this.write(() => this.statements.expired.run(pattern, now, batch).changes);
      deleted += changes;
      if (changes < batch) break;
    }
    await this.write(() => this.statements.sweep.run(now));
    return deleted;
  }

  /** Sorted sets in a table beside Keyv's, written through the same group commit. */
  sets(prefix: string): SortedSets {
    const st = this.statements;
    return {
      add: async (set, entries) => {
        if (entries.length === 0) return;
        await this.write(() => {
          for (const { member, score } of entries) st.setAdd.run(prefix + set, member, score);
        });
      },
      remove: async (set, members) => {
        if (members.length === 0) return;
        await this.write(() => {
          for (const member of members) st.setRemove.run(prefix + set, member);
        });
      },
      members: async (set, { after, limit }) =>
        st.setMembers.all(prefix + set, after ?? '', limit).map((r) => r.member),
      due: async (set, { max, limit }) => st.setDue.all(prefix + set, max, limit),
      count: async (set) => st.setCount.get(prefix + set)?.n ?? 0,
    };
  }

  /** Claims with a prefix (the Keyv namespace), so stores sharing a file keep theirs apart. */
  atomic(prefix: string): Atomic {
    let lastSweep = Date.now();
    return {
      claim: (key, token, ttlMs) =>
        this.write(() => {
          const now = Date.now();
          // Expired claims are only overwritten when claimed again; sweep the rest every ten minutes.
          if (now - lastSweep > 600_000) {
            lastSweep = now;
            this.statements.sweep.run(now);
          }
          return this.statements.claim.run(prefix + key, token, now + ttlMs, now).changes === 1;
        }),
      release: async (key, token) => {
        await this.write(() => this.statements.release.run(prefix + key, token));
      },
      renew: (key, token, ttlMs) =>
        this.write(() => {
          const now = Date.now();
          return this.statements.renew.run(now + ttlMs, prefix + key, token, now).changes === 1;
        }),
    };
  }
}

function likePrefix(namespace: string | undefined): string {
  return namespace ? `${namespace.replace(/[\\%_]/g, (c) => `\\${c}`)}:` : '';
}

/**
 * Sorted sets: the indexes Keyv's key-value API cannot hold without rewriting a whole list on every write. Each
 * backend keeps them natively (Redis sorted sets; a SQL table with an index on SQLite and PostgreSQL), so adding,
 * removing and paging cost the same with 100 members as with 100,000.
 *
 * A set is an index beside the records, never the record itself: writers add a member before the record it points
 * to is written, and remove it after the record is gone, so a crash leaves an index entry whose record is missing
 * (readers skip it) rather than a record nothing can find.
 */
export interface SortedSets {
  /** Adds members, or moves them to a new score. */
  add(set: string, entries: ReadonlyArray<{ member: string; score: number }>): Promise<void>;
  remove(set: string, members: readonly string[]): Promise<void>;
  /** Members in byte order after `after`, at most `limit` (for sets whose scores are all 0: lists). */
  members(set: string, options: { after?: string; limit: number }): Promise<string[]>;
  /** Members whose score is at most `max`, lowest score first, at most `limit` (queues: due times, expiries). */
  due(set: string, options: { max: number; limit: number }): Promise<Array<{ member: string; score: number }>>;
  count(set: string): Promise<number>;
}

export const SETS_TABLE = 'aiprocure_sets';

/** Every member of a list, paged so no single read is unbounded. */
export async function allMembers(sets: SortedSets, set: string, page = 1000): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const batch = await sets.members(set, { after, limit: page });
    out.push(...batch);
    if (batch.length < page) return out;
    after = batch.at(-1);
  }
}

type Query = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** PostgreSQL: one table, a primary key on (set, member) and an index on (set, score, member). */
export function postgresSets(query: Query, prefix: string): SortedSets {
  let ready: Promise<unknown> | undefined;
  const ensure = () => {
    // Members compare byte-wise (COLLATE "C"), as in Redis and SQLite, so paging agrees on every backend.
    ready ??= query(
      `CREATE TABLE IF NOT EXISTS ${SETS_TABLE} (name TEXT COLLATE "C" NOT NULL, member TEXT COLLATE "C" NOT NULL,
         score DOUBLE PRECISION NOT NULL, PRIMARY KEY (name, member))`,
      [],
    )
      .then(() => query(`CREATE INDEX IF NOT EXISTS ${SETS_TABLE}_by_score ON ${SETS_TABLE} (name, score, member)`, []))
      .catch((error: unknown) => {
        ready = undefined;
        // Two processes creating the table at once: the loser sees a unique violation on the catalog; harmless.
        if ((error as { code?: string }).code !== '23505') throw error;
      });
    return ready;
  };
  return {
    async add(set, entries) {
      if (entries.length === 0) return;
      await ensure();
      await query(
        `INSERT INTO ${SETS_TABLE} (name, member, score) SELECT $1, m, s FROM unnest($2::text[], $3::float8[]) AS t(m, s)
         ON CONFLICT (name, member) DO UPDATE SET score = EXCLUDED.score`,
        [prefix + set, entries.map((e) => e.member), entries.map((e) => e.score)],
      );
    },
    async remove(set, members) {
      if (members.length === 0) return;
      await ensure();
      await query(`DELETE FROM ${SETS_TABLE} WHERE name = $1 AND member = ANY($2::text[])`, [prefix + set, members]);
    },
    async members(set, { after, limit }) {
      await ensure();
      const rows = await query(
        `SELECT member FROM ${SETS_TABLE} WHERE name = $1 AND member > $2 ORDER BY member LIMIT ${limit | 0}`,
        [prefix + set, after ?? ''],
      );
      return rows.map((r) => String(r.member));
    },
    async due(set, { max, limit }) {
      await ensure();
      const rows = await query(
        `SELECT member, score FROM ${SETS_TABLE} WHERE name = $1 AND score <= $2 ORDER BY score, member LIMIT ${limit | 0}`,
        [prefix + set, max],
      );
      return rows.map((r) => ({ member: String(r.member), score: Number(r.score) }));
    },
    async count(set) {
      await ensure();
      const [row] = await query(`SELECT count(*)::int AS n FROM ${SETS_TABLE} WHERE name = $1`, [prefix + set]);
      return Number(row?.n ?? 0);
    },
  };
}

/** The part of a node-redis client sorted sets need. */
export interface RedisCommands {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Redis: native sorted sets, one key per set. */
export function redisSets(client: () => Promise<RedisCommands>, prefix: string): SortedSets {
  const run = async (args: string[]) => (await client()).sendCommand(args);
  return {
    async add(set, entries) {
      if (entries.length === 0) return;
      await run(['ZADD', prefix + set, ...entries.flatMap((e) => [String(e.score), e.member])]);
    },
    async remove(set, members) {
      if (members.length === 0) return;
      await run(['ZREM', prefix + set, ...members]);
    },
    async members(set, { after, limit }) {
      const from = after === undefined ? '-' : `(${after}`;
      const rows = (await run(['ZRANGE', prefix + set, from, '+', 'BYLEX', 'LIMIT', '0', String(limit)])) as string[];
      return rows.map(String);
    },
    async due(set, { max, limit }) {
      const rows = (await run([
        'ZRANGE',
        prefix + set,
        '-inf',
        String(max),
        'BYSCORE',
        'LIMIT',
        '0',
        String(limit),
        'WITHSCORES',
      ])) as string[];
      const out: Array<{ member: string; score: number }> = [];
      for (let i = 0; i + 1 < rows.length; i += 2) out.push({ member: String(rows[i]), score: Number(rows[i + 1]) });
      return out;
    },
    async count(set) {
      return Number(await run(['ZCARD', prefix + set]));
    },
  };
}

/** In memory, for tests and tools that run without a store. */
export function memorySets(): SortedSets {
  const sets = new Map<string, Map<string, number>>();
  const of = (set: string) => {
    const found = sets.get(set) ?? new Map<string, number>();
    sets.set(set, found);
    return found;
  };
  const byMember = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    async add(set, entries) {
      for (const { member, score } of entries) of(set).set(member, score);
    },
    async remove(set, members) {
      for (const member of members) of(set).delete(member);
    },
    async members(set, { after, limit }) {
      return [...of(set).keys()]
        .filter((m) => after === undefined || m > after)
        .sort(byMember)
        .slice(0, limit);
    },
    async due(set, { max, limit }) {
      return [...of(set).entries()]
        .filter(([, score]) => score <= max)
        .sort(([a, sa], [b, sb]) => sa - sb || byMember(a, b))
        .slice(0, limit)
        .map(([member, score]) => ({ member, score }));
    },
    async count(set) {
      return of(set).size;
    },
  };
}

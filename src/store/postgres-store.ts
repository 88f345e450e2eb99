import KeyvPostgres from '@keyv/postgres';
import pg from 'pg';

type Query = Awaited<ReturnType<KeyvPostgres['connect']>>;

/**
 * KeyvPostgres on a pool of its own. The package keeps one pool per process, shared by every store on the same
 * URL (closing one store closes the others') and with no 'error' listener, so an idle connection dropped by a
 * PostgreSQL restart or failover would crash the process. Here each store owns its pool, and a dropped idle
 * connection is reported to `onError`; the pool opens a new one on the next query.
 */
export class PostgresStore extends KeyvPostgres {
  // `declare`: a field initialiser would run after super(), which already called connect() and made the pool.
  declare private pool: pg.Pool | undefined;

  constructor(
    options: { uri: string; table: string; connectionTimeoutMillis: number },
    private readonly onPoolError: (error: Error) => void = () => undefined,
  ) {
    super(options);
    this.pool?.on('error', (error) => this.onPoolError(error));
  }

  override async connect(): Promise<Query> {
    this.pool ??= new pg.Pool({
      connectionString: this.opts.uri,
      connectionTimeoutMillis: this.opts.connectionTimeoutMillis,
    });
    const pool = this.pool;
    return async (sql, values) => (await pool.query(sql, values)).rows;
  }

  override async disconnect(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }
}

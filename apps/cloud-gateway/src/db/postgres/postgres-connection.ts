// The cloud's direct SQL on Postgres (issue #22): the same Sql/Tx/SqlDatabase the features use on
// SQLite (db/sql.ts), on a pg pool shared with Prisma.
//
// What makes one SQL text run on both: `?` placeholders are numbered here ($1, $2 …, outside string
// literals and quoted identifiers); timestamps are bound as Date and read back as epoch milliseconds;
// int8 (count(*), bigint columns) and numeric (sum) come back as numbers, as they do from SQLite.
//
// Writes are plain transactions on one pooled connection: Postgres has row locks, so there is no
// gate and no group commit; a transaction that loses a deadlock or a serialization conflict is run
// again (the function must be safe to re-run, which every write's is: it only touches the database).
import pg, { type Pool, type PoolClient, type QueryConfig } from 'pg';
import { AfterCommit, type Sql, type SqlDatabase, type SqlParam, type Tx, type WriteOptions } from '../sql';
import { retryingConflicts } from './conflict-retry';
import type { Exclusive } from './exclusive-sections';

const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const INT8 = 20;
const NUMERIC = 1700;

/** Type parsers for our own queries only (Prisma sets its own per query on the same pool). */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TIMESTAMPTZ) return (value: string) => Date.parse(value);
    // timestamp(3) without a zone: Prisma writes UTC there.
    if (oid === TIMESTAMP) return (value: string) => Date.parse(`${value.replace(' ', 'T')}Z`);
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

const numbered = new Map<string, string>();

/** `?` → `$n`, skipping string literals, quoted identifiers and `?` operators written as `??`. Cached per text. */
export function numberPlaceholders(text: string): string {
  let out = numbered.get(text);
  if (out !== undefined) return out;
  let n = 0;
  out = text.replace(/'(?:[^']|'')*'|"[^"]*"|\?/g, (match) => (match === '?' ? `$${++n}` : match));
  if (numbered.size > 2_000) numbered.clear();
  numbered.set(text, out);
  return out;
}

/** pg binds Date, Buffer, boolean and null itself; bigint goes in as text. */
function bind(params: SqlParam[]): unknown[] {
  return params.map((p) => (typeof p === 'bigint' ? p.toString() : p));
}

/** Our SQL on one client (or the pool, for single statements outside a transaction). Own properties only: callers spread it. */
export function pgSql(client: Pick<PoolClient, 'query'>): Sql {
  const query = async (text: string, params: SqlParam[]) => {
    const config: QueryConfig = { text: numberPlaceholders(text), values: bind(params) };
    return client.query({ ...config, types } as QueryConfig);
  };
  return {
    dialect: 'postgres',
    all: async <T>(text: string, ...params: SqlParam[]) => (await query(text, params)).rows as T[],
    get: async <T>(text: string, ...params: SqlParam[]) => (await query(text, params)).rows[0] as T | undefined,
    run: async (text: string, ...params: SqlParam[]) => ({ changes: (await query(text, params)).rowCount ?? 0 }),
  };
}

export class PostgresConnection implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private committed = 0;

  get commits(): number {
    return this.committed;
  }

  constructor(
    readonly pool: Pool,
    private readonly sections: Exclusive,
  ) {}

  /** One transaction, run again on a conflict (conflict-retry.ts). */
  write<T>(fn: (tx: Tx) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    return retryingConflicts(async () => {
      const hooks = new AfterCommit();
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        // synchronous_commit stays the server's (on by default): every commit is durable already.
        if (options.durable) await client.query('SET LOCAL synchronous_commit = on');
        const result = await fn({ ...pgSql(client), afterCommit: hooks.add });
        await client.query('COMMIT');
        this.committed += 1;
        client.release();
        hooks.run();
        return result;
      } catch (err) {
        // A connection that cannot even roll back is broken: the pool drops it instead of lending it again.
        const rolledBack = await client.query('ROLLBACK').then(
          () => true,
          () => false,
        );
        client.release(!rolledBack);
        throw err;
      }
    });
  }

  /** Sections on their own small pool of lock connections (exclusive-sections.ts says why). */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.sections(key, fn);
  }

  /** Reads outside a transaction: each statement sees what was committed when it ran. */
  async read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return fn(pgSql(this.pool));
  }
}

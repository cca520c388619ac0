import type { Pool, PoolClient } from 'pg';

/** The slice of pg the repositories need; implemented by a pool or a client inside a transaction. */
export interface Sql {
  query<R>(text: string, values?: unknown[]): Promise<R[]>;
}

export type SqlValue = string | number | boolean | null;

/** A statement built now and run later, alone or as part of a script. `$n` refers to `values[n-1]`. */
export interface Statement {
  text: string;
  values: readonly SqlValue[];
}

// Conflicts between concurrent transactions (deadlock, serialization, a unique key taken by a
// concurrent insert) go away when the transaction is simply run again.
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const MAX_ATTEMPTS = 3;

export function sqlOf(client: Pool | PoolClient): Sql {
  return {
    query: async <R>(text: string, values?: unknown[]) => (await client.query(text, values)).rows as R[],
  };
}

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * True when Postgres refused the data itself (class 22 data exception, class 23 constraint):
 * running the same event again can never succeed, so it is parked rather than retried forever.
 */
export function isDataRejection(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

/** BEGIN … COMMIT on one pooled connection; rolled back on error and retried on transient conflicts. */
export function inTransaction<T>(pool: Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  return retryingConflicts(() => runOnce(pool, work));
}

/**
 * Reads on one snapshot (REPEATABLE READ, read only): several queries that must agree — a count and
 * the rows it counts — see the same committed state even while events are applied. A read-only
 * transaction at this level never fails on a conflict.
 */
export function inSnapshot<T>(pool: Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  return runOnce(pool, work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}

/** Runs built statements one after the other on `sql` (inside a transaction the caller opened). */
export async function runStatements(sql: Sql, statements: readonly Statement[]): Promise<void> {
  for (const statement of statements) await sql.query(statement.text, [...statement.values]);
}

/**
 * Runs statements as ONE query string: a single round trip and a single implicit transaction (they
 * all commit, or none does), which is what keeps the per-event path lean. The simple protocol has no
 * parameters, so values are inlined as escaped literals. Returns each statement's rows.
 */
export function runScript(pool: Pool, statements: readonly Statement[]): Promise<unknown[][]> {
  const quoted = new Map<string, string>();
  const script = statements.map((statement) => inlineValues(statement, quoted)).join(';\n');
  return retryingConflicts(async () => {
    const client = await pool.connect();
    let broken = false;
    try {
      const results = (await client.query(script)) as unknown as { rows: unknown[] } | { rows: unknown[] }[];
      return (Array.isArray(results) ? results : [results]).map((result) => result.rows);
    } catch (error) {
      // Without a SQLSTATE the connection itself failed; do not hand it to the next caller.
      broken = sqlState(error) === undefined;
      throw error;
    } finally {
      client.release(broken);
    }
  });
}

/** `quoted` caches string literals: statements of one batch share their (large) JSON payloads. */
function inlineValues({ text, values }: Statement, quoted: Map<string, string>): string {
  return text.replace(/\$(\d+)/g, (_match, index: string) => literal(values[Number(index) - 1], quoted));
}

function literal(value: SqlValue | undefined, quoted: Map<string, string>): string {
  if (value === undefined) throw new Error('statement refers to a value that was not given');
  if (value === null) return 'NULL';
  if (typeof value === 'string') {
    let text = quoted.get(value);
    if (text === undefined) quoted.set(value, (text = quoteText(value)));
    return text;
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (!Number.isFinite(value)) throw new Error(`cannot inline ${value} as a SQL literal`);
  return String(value);
}

/**
 * The same quoting as pg's `escapeLiteral` (quotes doubled; with a backslash, an E'' string with
 * backslashes doubled), with regular expressions instead of a per-character loop: pages carry
 * payloads of hundreds of kilobytes.
 */
export function quoteText(text: string): string {
  const quoted = `'${text.replace(/'/g, "''")}'`;
  return text.includes('\\') ? ` E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}

async function retryingConflicts<T>(attempt: () => Promise<T>): Promise<T> {
  for (let count = 1; ; count++) {
    try {
      return await attempt();
    } catch (error) {
      const state = sqlState(error);
      if (count >= MAX_ATTEMPTS || state === undefined || !RETRYABLE.has(state)) throw error;
    }
  }
}

async function runOnce<T>(pool: Pool, work: (sql: Sql) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    const result = await work(sqlOf(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    // A connection whose ROLLBACK failed is in an unknown state; destroy it instead of pooling it.
    client.release(broken);
  }
}

/**
 * Serialises a bulk payload for `jsonb_to_recordset($n::jsonb)`. Postgres text and jsonb cannot
 * hold U+0000, so it is dropped here rather than making a whole event unstorable.
 */
export function jsonParam(value: unknown): string {
  // On the serialised text (much cheaper than a replacer): drop `\u0000` escapes, but not a literal
  // backslash followed by "u0000", which JSON writes with its backslash doubled.
  return JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1');
}

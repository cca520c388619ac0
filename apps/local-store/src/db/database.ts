import { Pool } from 'pg';
import { sqlOf, type Sql } from './sql';

/**
 * The store's database: plain SQL on a pg pool. Prisma owns the schema and migrations only — its
 * client is not loaded at all: any query through it, a raw one too, loads its query compiler
 * (WebAssembly, +44–49 MB of RSS measured), and an interactive transaction cost ~4x the CPU of the
 * same BEGIN/…/COMMIT on pg (the difference between missing and meeting the push throughput target).
 */
export interface Database {
  /** The event apply path opens its transactions here. */
  pool: Pool;
  /** Plain SQL on the pool, outside any transaction. */
  sql: Sql;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Pool size. Default 10. */
  maxConnections?: number;
  /** How long a query waits for a connection before failing (so "database down" fails fast). Default 5000 ms. */
  connectTimeoutMs?: number;
  onPoolError?: (error: Error) => void;
}

export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  const pool = new Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
  });
  let closed = false;
  // An idle client losing its connection emits here; unhandled, it would crash the process. After
  // close() it is expected: pool.end() does not wait for sockets, so a server stopped right after
  // (embedded Postgres at shutdown) still reaches clients that are on their way out.
  pool.on('error', (error) => {
    if (!closed) options.onPoolError?.(error);
  });
  // A connection that dies while checked out (Postgres restarting under a transaction) emits on its
  // client, where the pool no longer listens: unhandled, that 'error' event would crash the process.
  // Nothing is lost by ignoring it here: the client's next query fails with it, and the caller
  // releases the client as broken.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    pool,
    sql: sqlOf(pool),
    close: async () => {
      closed = true;
      await pool.end();
    },
  };
}

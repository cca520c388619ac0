import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client';
import { BUSY_TIMEOUT_MS, databaseBusy, NO_OBSERVER } from './lock-wait';
import { BACKSTOP_CHECKPOINT_PAGES, JOURNAL_SIZE_LIMIT_BYTES, startWalCheckpointer } from './wal-checkpointer';
import type { SqlDatabase } from './sql';
import { SqliteConnection, SqliteGate, type LockWaitOptions } from './sqlite-connection';

export type { PrismaClient } from '../generated/prisma/client';
export type { LockWaitOptions } from './sqlite-connection';
export type { Dialect, Sql, SqlBoolean, SqlDatabase, SqlParam, Tx, WriteOptions } from './sql';
export { at, idList, lockTenant, skipLocked } from './sql';
export { SqliteConnection };
export type Db = PrismaClient;

/** `file:` URL → path; relative paths are taken from the current directory, like Prisma does. */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, '');
}

export interface CloudDatabase {
  /**
   * Prisma, for tests' assertions and tools (and `$disconnect`, which closes the database). The
   * cloud's own code reads and writes through `sqldb` only: lint refuses Prisma's types in features/.
   */
  db: Db;
  /** The cloud's SQL on the database (sql.ts): SQLite's connection or Postgres's pool. */
  sqldb: SqlDatabase;
  /** The SQLite connection itself (backups, size); absent on Postgres. */
  sqlite?: SqliteConnection;
  /**
   * Whether Prisma has started in this process (its first ORM query loads its query compiler,
   * ~20–40 MB of RSS). The cloud's own paths are direct SQL and never start it; the admin CLI and
   * tests' assertions may.
   */
  ormStarted(): boolean;
}

/**
 * SQLite's page cache, in KiB (`cache_size = -N`): SQLite's own default. better-sqlite3 builds with
 * 16 MB, which a busy cloud fills and never gives back: 13–16 MB of its resident set (measured after
 * 5 s of POST /v1/messages: 141 MB → 125–129 MB), for pages the OS's file cache holds anyway.
 */
const PAGE_CACHE_KIB = 2_000;

/** How often the worker checkpoints the WAL (wal-checkpointer.ts). */
const CHECKPOINT_INTERVAL_MS = 1_000;

/** The cloud on its SQLite file (open-database.ts picks this or Postgres by the URL). */
export async function openSqliteDatabase(
  databaseUrl: string,
  lockWait: LockWaitOptions,
  options: { onCheckpointError?: (message: string) => void } = {},
): Promise<CloudDatabase> {
  // Timestamps as integer milliseconds: what Prisma's native engine writes, so both agree. The
  // driver's own busy wait (default 5 s) would block the event loop: see lock-wait.ts.
  const inner = new PrismaBetterSqlite3({ url: sqlitePath(databaseUrl), timeout: BUSY_TIMEOUT_MS }, { timestampFormat: 'unixepoch-ms' });
  const gate = new SqliteGate({ lockWaitMs: lockWait.lockWaitMs, observer: lockWait.observer ?? NO_OBSERVER });
  // Prisma is not connected here: it takes the shared connection at its first ORM query (see SqliteGate.open).
  const { database, factory, ormStarted, close } = await gate.open(inner);
  const client = new PrismaClient({ adapter: factory });
  // Prisma turns an error its adapter throws into its own, keeping only the `code`: the adapter's
  // database_busy (lock-wait.ts) is given its message and Retry-After back here. The extension
  // changes no operation's types, so the client keeps PrismaClient's.
  const db = client.$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (err) {
          throw (err as { code?: unknown }).code === 'database_busy' ? databaseBusy() : err;
        }
      },
    },
  }) as unknown as PrismaClient;
  const sqlite = new SqliteConnection(database, gate);
  // WAL lets readers (pull, admin) run while the dispatcher writes. Another process's write lock is
  // waited for asynchronously (lock-wait.ts): SQLite's own wait, which blocks, is kept to a few ms.
  // synchronous=NORMAL: a crash loses nothing committed, a power loss may lose the last commits;
  // the few writes that must survive one are flushed to disk before they resolve (WriteOptions.durable).
  database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('synchronous = NORMAL');
  // Each write in a group commit runs in a savepoint; SQLite copies every page a savepoint first
  // touches into a statement journal, by default a temporary FILE. In memory, accepting a message
  // costs ~half the SQL time (the Job insert went from ~23 µs to ~7 µs under the send benchmark).
  database.pragma('temp_store = MEMORY');
  database.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  database.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  database.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
  const checkpointer = startWalCheckpointer(database.name, { intervalMs: CHECKPOINT_INTERVAL_MS, onError: options.onCheckpointError });
  // Whoever closes the database (the service's shutdown, the CLI, every test) stops the worker first.
  const disconnect = db.$disconnect.bind(db);
  db.$disconnect = async () => {
    await checkpointer.stop();
    await sqlite.wal.close();
    await disconnect();
    await close();
  };
  return { db, sqldb: sqlite, sqlite, ormStarted };
}

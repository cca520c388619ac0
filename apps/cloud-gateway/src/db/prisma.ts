import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client';

export type { PrismaClient } from '../generated/prisma/client';
export type Db = PrismaClient;
/** A client or the `tx` of an interactive transaction: repositories accept either. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** `file:` URL → path; relative paths are taken from the current directory, like Prisma does. */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, '');
}

export async function createDb(databaseUrl: string): Promise<PrismaClient> {
  // Timestamps as integer milliseconds: what Prisma's native engine writes, so both agree.
  const adapter = new PrismaBetterSqlite3({ url: sqlitePath(databaseUrl) }, { timestampFormat: 'unixepoch-ms' });
  const db = new PrismaClient({ adapter });
  // WAL lets readers (pull, admin) run while the dispatcher writes; busy_timeout rides out the
  // short write locks of another process (the admin CLI) instead of failing with SQLITE_BUSY.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
  await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
  return db;
}

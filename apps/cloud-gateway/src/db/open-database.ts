// Opens the database CLOUD_DATABASE_URL names: a SQLite file (prisma.ts), or Postgres for operators
// who run several replicas (postgres/postgres-database.ts).
import { openSqliteDatabase, type CloudDatabase, type LockWaitOptions } from './prisma';
import { openPostgresDatabase } from './postgres/postgres-database';

/** `postgres://` or `postgresql://`: the cloud runs on Postgres; anything else (config allows only `file:`) is a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export async function openDatabase(
  databaseUrl: string,
  lockWait: LockWaitOptions,
  options: { onCheckpointError?: (message: string) => void } = {},
): Promise<CloudDatabase> {
  return isPostgresUrl(databaseUrl) ? openPostgresDatabase(databaseUrl) : openSqliteDatabase(databaseUrl, lockWait, options);
}

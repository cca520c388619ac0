// Which migrations a database gets, by CLOUD_DATABASE_URL: SQLite's own, or the Postgres ones
// generated from them (prisma/postgres). Start-up deploys them; /readyz checks none is pending.
import path from 'node:path';
import { Client } from 'pg';
import { migrateDeploy } from '@dtg/prisma-migrate';
import { APP_ROOT } from '../paths';
import { isPostgresUrl } from './open-database';

export function migrationsFor(databaseUrl: string): { prismaConfig: string; dir: string } {
  return isPostgresUrl(databaseUrl)
    ? { prismaConfig: path.join(APP_ROOT, 'prisma.postgres.config.ts'), dir: path.join(APP_ROOT, 'prisma', 'postgres', 'migrations') }
    : { prismaConfig: path.join(APP_ROOT, 'prisma.config.ts'), dir: path.join(APP_ROOT, 'prisma', 'migrations') };
}

/** Any fixed number: the lock every replica's start-up migration takes (pg_advisory_lock's key space is the database's). */
const MIGRATION_LOCK = 7_240_220_601;

/**
 * `prisma migrate deploy` for this database. On Postgres, replicas starting together take turns
 * under an advisory lock held by this process while the CLI runs: the first applies what is
 * pending, the others then find nothing to do (rather than racing on the same migration).
 */
export async function deployMigrations(databaseUrl: string): Promise<void> {
  const { prismaConfig } = migrationsFor(databaseUrl);
  if (!isPostgresUrl(databaseUrl)) {
    await migrateDeploy(prismaConfig, { CLOUD_DATABASE_URL: databaseUrl });
    return;
  }
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrateDeploy(prismaConfig, { CLOUD_DATABASE_URL: databaseUrl });
  } finally {
    // Ending the session lets the lock go too.
    await client.end();
  }
}

// Which migrations a database gets, by CLOUD_DATABASE_URL: SQLite's own, or the Postgres ones
// generated from them (prisma/postgres). Start-up deploys them; /readyz checks none is pending.
import path from 'node:path';
import { APP_ROOT } from '../paths';
import { isPostgresUrl } from './open-database';

export function migrationsFor(databaseUrl: string): { prismaConfig: string; dir: string } {
  return isPostgresUrl(databaseUrl)
    ? { prismaConfig: path.join(APP_ROOT, 'prisma.postgres.config.ts'), dir: path.join(APP_ROOT, 'prisma', 'postgres', 'migrations') }
    : { prismaConfig: path.join(APP_ROOT, 'prisma.config.ts'), dir: path.join(APP_ROOT, 'prisma', 'migrations') };
}

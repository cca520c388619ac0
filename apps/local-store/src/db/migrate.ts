// Migrations are applied at start-up with `prisma migrate deploy` (never `dev`): only committed
// migration folders run, in order, and a failure stops the service before it serves anything.
import { migrateDeploy, pendingMigrations } from '@dtg/prisma-migrate';
import { MIGRATIONS_DIR, PRISMA_CONFIG } from '../paths';
import type { Sql } from './sql';

export function applyMigrations(databaseUrl: string): Promise<string> {
  return migrateDeploy(PRISMA_CONFIG, { DATABASE_URL: databaseUrl });
}

/** Migration folders not recorded as finished in the database (readiness fails while any remain). */
export function pendingMigrationNames(sql: Sql): Promise<string[]> {
  return pendingMigrations(MIGRATIONS_DIR, (text) => sql.query(text));
}

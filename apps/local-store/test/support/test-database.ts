// A fresh, migrated Postgres database per test file. The migrations run once (`prisma migrate
// deploy` into a template keyed by the migrations' content); each file then gets a cheap
// `CREATE DATABASE … TEMPLATE`. An advisory lock serialises this across parallel Jest workers.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { MIGRATIONS_DIR } from '../../src/paths';

export const MAINTENANCE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TEMPLATE_PREFIX = 'local_store_tmpl_';
const LOCK_KEY = 7_340_021; // any constant shared by every worker of this suite

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export function databaseUrl(name: string): string {
  const url = new URL(MAINTENANCE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `local_store_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withMaintenance(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      const template = await ensureTemplate(client);
      await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
  const url = databaseUrl(name);
  const db = openDatabase(url, { maxConnections: 10 });
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.close();
      await withMaintenance((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function ensureTemplate(client: Client): Promise<string> {
  const template = `${TEMPLATE_PREFIX}${migrationsHash()}`;
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
  if (found.rowCount === 1) return template;
  const building = `${template}_build`;
  await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${building}`);
  await applyMigrations(databaseUrl(building));
  await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
  await dropStaleTemplates(client, template);
  return template;
}

/** Templates of older migration sets; one still being copied by another run is left alone. */
async function dropStaleTemplates(client: Client, current: string): Promise<void> {
  const stale = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${TEMPLATE_PREFIX}%' AND datname <> $1`, [
    current,
  ]);
  for (const { datname } of stale.rows) {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${datname}`);
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error;
    }
  }
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const folder of readdirSync(MIGRATIONS_DIR).sort()) {
    const file = path.join(MIGRATIONS_DIR, folder, 'migration.sql');
    hash.update(folder);
    if (folder !== 'migration_lock.toml') hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

async function withMaintenance<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: MAINTENANCE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

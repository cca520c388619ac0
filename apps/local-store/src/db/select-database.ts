import { Client } from 'pg';
import { EMBEDDED_PG_DIR } from '../paths';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

const EMBEDDED_DATABASE = 'local_store';

export interface SelectedDatabase {
  url: string;
  /** Set when an embedded server was started; stop it after the last connection is closed. */
  stop?: () => Promise<void>;
}

/**
 * DATABASE_URL when given; otherwise a persistent embedded Postgres under .data/ with a
 * `local_store` database, so a fresh machine starts with no setup and keeps its data.
 */
export async function selectDatabase(databaseUrl: string | undefined, log: (line: string) => void): Promise<SelectedDatabase> {
  if (databaseUrl) return { url: databaseUrl };
  const server = await startEmbeddedPostgres({ dataDir: EMBEDDED_PG_DIR, persistent: true, onLog: log });
  try {
    await createDatabaseIfMissing(server.url, EMBEDDED_DATABASE);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const url = new URL(server.url);
  url.pathname = `/${EMBEDDED_DATABASE}`;
  return { url: url.toString(), stop: () => server.stop() };
}

/**
 * Another database in the embedded Postgres a running store started (`npm start -- --isv` gives its
 * second store one): created when missing; undefined when no embedded Postgres is running.
 */
export async function databaseInRunningEmbeddedPostgres(name: string): Promise<string | undefined> {
  const running = await runningEmbeddedPostgres(EMBEDDED_PG_DIR);
  if (!running) return undefined;
  await createDatabaseIfMissing(running, name);
  const url = new URL(running);
  url.pathname = `/${name}`;
  return url.toString();
}

async function createDatabaseIfMissing(maintenanceUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * For tools beside a running store (store-admin): DATABASE_URL when given; else the embedded
 * Postgres that `npm start` is running, or, when none runs, the same one started for the tool.
 */
export async function selectDatabaseForTool(databaseUrl: string | undefined): Promise<SelectedDatabase> {
  if (databaseUrl) return { url: databaseUrl };
  const running = await runningEmbeddedPostgres(EMBEDDED_PG_DIR);
  if (!running) return selectDatabase(undefined, () => undefined);
  const url = new URL(running);
  url.pathname = `/${EMBEDDED_DATABASE}`;
  return { url: url.toString() };
}

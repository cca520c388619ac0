// A fresh, empty Postgres database per test file for the cloud's Postgres schema (issue #22), on
// TEST_DATABASE_URL's server; dropped afterwards. Migrated, when a test wants it, with the real
// Prisma CLI and the offline engine, as `admin db copy-to-postgres` migrates its target.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { migrateDeploy } from '@dtg/prisma-migrate';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const POSTGRES_PRISMA_CONFIG = path.resolve(__dirname, '../../prisma.postgres.config.ts');

export interface PostgresDatabase {
  url: string;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  migrate(): Promise<void>;
  drop(): Promise<void>;
}

/** `database` on TEST_DATABASE_URL's server. */
export function urlOf(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `work` on a connection to the server's own database (CREATE / DROP DATABASE). */
export async function onServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createPostgresDatabase(): Promise<PostgresDatabase> {
  const name = `cloud_pg_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = urlOf(name);
  return {
    url,
    async query<T>(sql: string, params: unknown[] = []) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async migrate() {
      await migrateDeploy(POSTGRES_PRISMA_CONFIG, { CLOUD_DATABASE_URL: url });
    },
    drop: async () => void (await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

// The two databases the CLI test runs on: where the fixture's data lives, how the app-side driver
// adapter reaches it, and a direct look at `_prisma_migrations` that does not go through Prisma.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Provider } from './fixture-schema';

export interface DatabaseTarget {
  provider: Provider;
  /** DATABASE_URL as the app would set it; SQLite paths are relative to the project folder. */
  url: string;
  adapter(projectDir: string): SqlDriverAdapterFactory;
  /** Names of finished, not rolled back migrations, oldest first. */
  appliedMigrations(projectDir: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

const APPLIED_SQL = (table: string) => `SELECT migration_name FROM ${table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`;

export function sqliteTarget(): DatabaseTarget {
  const file = (projectDir: string) => path.join(projectDir, 'data', 'dev.db');
  return {
    provider: 'sqlite',
    url: 'file:./data/dev.db',
    // Native Prisma on SQLite stores DateTime as unix milliseconds; the adapter must read the same.
    adapter: (projectDir) => new PrismaBetterSqlite3({ url: file(projectDir) }, { timestampFormat: 'unixepoch-ms' }),
    appliedMigrations: async (projectDir) => {
      const db = new Database(file(projectDir), { readonly: true });
      try {
        return (db.prepare(APPLIED_SQL('_prisma_migrations')).all() as { migration_name: string }[]).map((r) => r.migration_name);
      } finally {
        db.close();
      }
    },
    cleanup: async () => undefined,
  };
}

/** A fresh, uniquely named database on the test server (TEST_DATABASE_URL or the local one). */
export function postgresTarget(): DatabaseTarget {
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const database = `prisma_engine_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const schema = 'fixture';
  const urlFor = (db: string, search = '') => {
    const url = new URL(serverUrl);
    url.pathname = `/${db}`;
    url.search = search;
    return url.toString();
  };
  const query = async <T>(db: string, sql: string): Promise<T[]> => {
    const client = new Client({ connectionString: urlFor(db) });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    provider: 'postgresql',
    url: urlFor(database, `?schema=${schema}`),
    adapter: () => new PrismaPg({ connectionString: urlFor(database) }, { schema }),
    appliedMigrations: async () =>
      (await query<{ migration_name: string }>(database, APPLIED_SQL(`"${schema}"._prisma_migrations`))).map((r) => r.migration_name),
    cleanup: async () => {
      await query(new URL(serverUrl).pathname.slice(1) || 'postgres', `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    },
  };
}

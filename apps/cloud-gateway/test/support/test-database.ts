// The database a test cloud runs on: a migrated SQLite file by default, or with
// CLOUD_TEST_DATABASE=postgres (the "cloud-gateway (postgres)" Jest project) a fresh Postgres
// database on TEST_DATABASE_URL's server. Both are copies of a template migrated once with the real
// Prisma CLI: a file copy, or CREATE DATABASE … TEMPLATE.
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { migrateDeploy } from '@dtg/prisma-migrate';
import { numberPlaceholders } from '../../src/db/postgres/postgres-connection';
import { isPostgresUrl } from '../../src/db/open-database';
import { sqlitePath } from '../../src/db/prisma';
import { onServer, urlOf } from './postgres-database';

export const TEST_DIALECT: 'sqlite' | 'postgres' = process.env.CLOUD_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

function digest(dir: string): string {
  const hash = createHash('sha256');
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    hash.update(path.relative(dir, file)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

let sqliteTemplate: Promise<string> | undefined;

/**
 * Migrating takes seconds (the real Prisma CLI), so every test file shares one migrated template
 * per set of migrations, kept in the temp dir (published by an atomic rename) and copied per test.
 */
function migratedSqliteTemplate(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const file = path.join(tmpdir(), `dtg-cloud-template-${digest(path.resolve(__dirname, '../../prisma/migrations'))}.db`);
    if (existsSync(file)) return file;
    const dir = mkdtempSync(path.join(tmpdir(), 'cloud-template-'));
    const work = path.join(dir, 'template.db');
    await migrateDeploy(path.resolve(__dirname, '../../prisma.config.ts'), { CLOUD_DATABASE_URL: `file:${work}` });
    renameSync(work, file);
    rmSync(dir, { recursive: true, force: true });
    return file;
  })();
  return sqliteTemplate;
}

/** A migrated SQLite file of its own, in a directory of its own. */
export async function migratedDbFile(): Promise<string> {
  const source = await migratedSqliteTemplate();
  const dir = mkdtempSync(path.join(tmpdir(), 'cloud-test-'));
  const dbFile = path.join(dir, 'cloud.db');
  copyFileSync(source, dbFile);
  return dbFile;
}

let postgresTemplate: Promise<string> | undefined;

/** One migrated template database per set of migrations on the server; Jest workers race to make it under an advisory lock. */
function migratedPostgresTemplate(): Promise<string> {
  postgresTemplate ??= onServer(async (client) => {
    const name = `dtg_cloud_template_${digest(path.resolve(__dirname, '../../prisma/postgres/migrations'))}`;
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        const work = `${name}_work_${randomBytes(3).toString('hex')}`;
        await client.query(`CREATE DATABASE ${work}`);
        await migrateDeploy(path.resolve(__dirname, '../../prisma.postgres.config.ts'), { CLOUD_DATABASE_URL: urlOf(work) });
        await client.query(`ALTER DATABASE ${work} RENAME TO ${name}`);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
    return name;
  });
  return postgresTemplate;
}

/** A migrated database of its own, as a CLOUD_DATABASE_URL: `file:` on SQLite, `postgresql:` on Postgres. */
export async function migratedDatabaseUrl(): Promise<string> {
  if (TEST_DIALECT === 'sqlite') return `file:${await migratedDbFile()}`;
  const template = await migratedPostgresTemplate();
  const name = `cloud_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(async (client) => {
    // Two copies of one template at the same moment can collide ("being accessed by other users"): try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt > 20) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  });
  return urlOf(name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  if (!isPostgresUrl(url)) {
    rmSync(path.dirname(sqlitePath(url)), { recursive: true, force: true });
    return;
  }
  const name = new URL(url).pathname.slice(1);
  await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Another process's connection to the same database (the admin CLI, another replica, a psql shell). SQL as in db/sql.ts. */
export interface OtherConnection {
  run(text: string, ...params: unknown[]): Promise<void>;
  all<T>(text: string, ...params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function otherConnection(url: string): Promise<OtherConnection> {
  if (!isPostgresUrl(url)) {
    const db = new Database(sqlitePath(url), { timeout: 5_000 });
    const bind = (params: unknown[]) => params.map((p) => (p instanceof Date ? p.getTime() : p));
    return {
      run: async (text, ...params) => void db.prepare(text).run(...bind(params)),
      all: async <T>(text: string, ...params: unknown[]) => db.prepare(text).all(...bind(params)) as T[],
      close: async () => void db.close(),
    };
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    run: async (text, ...params) => void (await client.query(numberPlaceholders(text), params)),
    all: async <T>(text: string, ...params: unknown[]) => (await client.query(numberPlaceholders(text), params)).rows as T[],
    close: () => client.end(),
  };
}

// `npm run bench:copy-to-postgres`: how long `admin db copy-to-postgres` takes on a cloud of a real
// size. A cloud SQLite file gets a tenant made by the admin CLI (its secrets sealed as the cloud seals
// them) and N events (BENCH_COPY_EVENTS, default 200,000) as a directory sync writes them, each with
// its delivery and one attempt; then the CLI copies it into a new Postgres database, as an operator
// runs it. Prints rows, the time of the whole command (migrations included) and rows per second.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { freshCloudSecrets } from '@dtg/testkit';
import { report, ROOT, withPostgres } from './bench-support';
import { seedDeliveredEvents } from './seed-events';

const N = Number(process.env.BENCH_COPY_EVENTS ?? 200_000);
const CLI = path.join(ROOT, 'apps/cloud-gateway/src/cli/cli.ts');

function admin(env: Record<string, string>, args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', CHECKPOINT_DISABLE: '1', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 16 * 2 ** 20,
  });
}

function seed(dbFile: string, tenantId: string): number {
  const db = new Database(dbFile);
  const now = Date.now();
  seedDeliveredEvents(db, tenantId, N, (seq) => now - N + seq);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return statSync(dbFile).size;
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-copy-'));
  const dbFile = path.join(dir, 'cloud.db');
  const secrets = freshCloudSecrets();
  const database = `bench_copy_${randomBytes(4).toString('hex')}`;
  const target = new URL(process.env.TEST_DATABASE_URL as string);
  target.pathname = `/${database}`;
  try {
    const env = {
      CLOUD_DATABASE_URL: `file:${dbFile}`,
      ENCRYPTION_KEY: secrets.encryptionKey,
      USER_TOKEN_SECRET: secrets.userTokenSecret,
      ADMIN_TOKEN: secrets.adminToken,
    };
    const created = JSON.parse(admin(env, ['tenant', 'create', '--name', 'Bench', '--corp-id', 'dingbench', '--app-key', 'k', '--app-secret', 's'])) as {
      tenant: { id: string };
    };
    console.log(`seeding ${N.toLocaleString('en-US')} events (+ a delivery and an attempt each)…`);
    const bytes = seed(dbFile, created.tenant.id);
    await onServer(`CREATE DATABASE ${database}`);
    const t0 = performance.now();
    const result = JSON.parse(admin({ CLOUD_DATABASE_URL: env.CLOUD_DATABASE_URL }, ['db', 'copy-to-postgres', target.toString()])) as { rows: number };
    const seconds = (performance.now() - t0) / 1000;
    report('copy-to-postgres', [
      { metric: 'SQLite file', value: bytes / 2 ** 20, unit: 'MiB' },
      { metric: 'rows copied', value: result.rows, unit: 'rows' },
      { metric: 'whole command (migrations, copy, counts)', value: seconds, unit: 's' },
      { metric: 'throughput', value: Math.round(result.rows / seconds), unit: 'rows/s' },
    ]);
  } finally {
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

withPostgres(main).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

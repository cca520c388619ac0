// A local store on its own, as deployed (its bundle on plain node with the images' flags), on a
// fresh database of the benchmark's Postgres: the directory and forwarding benchmarks need no
// cloud (events are pushed to it signed, like the cloud pushes them).
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { generateWebhookSecret } from '@dtg/webhook-signing';
import { databaseUrl, entryOf, freePort, ServiceProcess } from '@dtg/testkit';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { benchMemory } from './memory';

export const BENCH_TENANT = 'ten_bench';
export const BENCH_ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;

export interface BenchStore {
  local: ServiceProcess;
  url: string;
  /** The store's database, for seeding and reading timings. */
  pg: Client;
  webhookSecret: string;
  close(): Promise<void>;
}

export async function startBenchStore(env: Record<string, string> = {}): Promise<BenchStore> {
  const maintenance = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await maintenance.connect();
  const name = `bench_store_${randomBytes(5).toString('hex')}`;
  await maintenance.query(`CREATE DATABASE "${name}"`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const webhookSecret = generateWebhookSecret();
  const local = new ServiceProcess(
    'local',
    entryOf('local-store', 'bundle'),
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl(name),
      TENANT_ID: BENCH_TENANT,
      CLOUD_API_KEY: 'dtg_bench_no_cloud',
      // No cloud: nothing to pull (catch-up's failures stay quiet below LOG_LEVEL=error).
      CLOUD_URL: 'http://127.0.0.1:9',
      PULL_INTERVAL: '1h',
      WEBHOOK_SECRETS: webhookSecret,
      LOCAL_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      LOG_LEVEL: 'error',
      ...env,
    },
    url,
    { nodeArgs: SERVICE_NODE_ARGS },
  );
  await local.start();
  benchMemory.watch('local store', local);
  const pg = new Client({ connectionString: databaseUrl(name) });
  await pg.connect();
  return {
    local,
    url,
    pg,
    webhookSecret,
    async close() {
      benchMemory.sample();
      await local.stop();
      await pg.end();
      await maintenance.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await maintenance.end();
    },
  };
}

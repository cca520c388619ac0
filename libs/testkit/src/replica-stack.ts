// N cloud replicas on one database, a local store and the simulator, as real processes (issue #22):
// the replicas share a fresh Postgres database (or, for a one-replica baseline, a SQLite file of
// their own) and the secrets, each listens on its own port, and any of them may be SIGKILLed and
// started again. No load balancer: callers pick a replica per request (round-robin in benchmarks).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import {
  cloudAdmin,
  cloudEnv,
  COMPRESSED_DELIVERY,
  createDemoTenant,
  freshCloudSecrets,
  type AdminAnswer,
  type CloudSecrets,
  type CreatedTenant,
} from './cloud-env';
import { freePort } from './ports';
import { entryOf, ServiceProcess, type Runtime } from './service-process';
import { databaseUrl, maintenanceUrl } from './stack';

export interface ReplicaStackOptions {
  replicas: number;
  /** The replicas' database: one shared Postgres database (default), or SQLite (one replica only). */
  database?: 'postgres' | 'sqlite';
  /** Source through tsx (default) or the built bundles. */
  runtime?: Runtime;
  /** Node flags for the replicas and the store (the benchmarks run them as deployed). */
  nodeArgs?: readonly string[];
  /** Delivery timing: retries and polls compressed for tests (default), or the services' own defaults. */
  timing?: 'compressed' | 'product';
  cloudEnv?: Record<string, string>;
  localEnv?: Record<string, string>;
}

export interface ReplicaStack {
  sim: ServiceProcess;
  clouds: ServiceProcess[];
  local: ServiceProcess;
  tenant: CreatedTenant;
  secrets: CloudSecrets;
  /** The local store's database, for assertions. */
  db: Pool;
  /** The replicas' shared Postgres database (undefined on SQLite), for assertions on the cloud's rows. */
  cloudDb?: Pool;
  /** The admin API through the first replica (any replica would answer the same). */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<AdminAnswer<T>>;
  close(): Promise<void>;
}

export async function startReplicaStack(options: ReplicaStackOptions): Promise<ReplicaStack> {
  const sqlite = options.database === 'sqlite';
  if (sqlite && options.replicas !== 1) throw new Error('a SQLite cloud runs as one process: replicas must be 1');
  const suffix = randomBytes(6).toString('hex');
  const cloudDbName = `cloud_e2e_${suffix}`;
  const storeDbName = `e2e_${suffix}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-replicas-'));
  const secrets = freshCloudSecrets();
  const maintenance = new Client({ connectionString: maintenanceUrl() });
  await maintenance.connect();
  const simPort = await freePort();
  const simUrl = `http://127.0.0.1:${simPort}`;
  const sim = new ServiceProcess('sim', entryOf('dingtalk-sim', options.runtime), { SIM_PORT: String(simPort), SIM_LOG: '0' }, simUrl, {
    healthPath: '/_sim/clock',
  });
  const timing = options.timing === 'product' ? {} : COMPRESSED_DELIVERY;
  const database = sqlite ? { dbFile: path.join(dir, 'cloud.db') } : { databaseUrl: databaseUrl(cloudDbName) };
  const clouds: ServiceProcess[] = [];
  for (let i = 0; i < options.replicas; i++) {
    const port = await freePort();
    const env = { ...cloudEnv({ port, simUrl, secrets, ...database }), ...timing, LOG_LEVEL: 'warn', ...options.cloudEnv };
    clouds.push(
      new ServiceProcess(`cloud-${i + 1}`, entryOf('cloud-gateway', options.runtime), env, `http://127.0.0.1:${port}`, { nodeArgs: options.nodeArgs }),
    );
  }
  let local: ServiceProcess | undefined;
  let db: Pool | undefined;
  let cloudDb: Pool | undefined;
  const close = async () => {
    await Promise.all([local?.stop(), ...clouds.map((c) => c.stop()), sim.stop()]);
    await Promise.all([db?.end(), cloudDb?.end()]);
    for (const name of [storeDbName, cloudDbName]) await maintenance.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await maintenance.end();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    if (!sqlite) await maintenance.query(`CREATE DATABASE "${cloudDbName}"`);
    await maintenance.query(`CREATE DATABASE "${storeDbName}"`);
    // Every replica migrates at start-up (main.ts); the first one alone, so the others find the
    // schema in place rather than queueing on the migration lock (a deployment runs a one-shot migrate).
    const [first, ...others] = clouds as [ServiceProcess, ...ServiceProcess[]];
    await Promise.all([sim.start(), first.start()]);
    await Promise.all(others.map((c) => c.start()));
    const admin = cloudAdmin(first.url, secrets.adminToken);
    const localPort = await freePort();
    const localUrl = `http://127.0.0.1:${localPort}`;
    const tenant = await createDemoTenant(admin, { webhookUrl: `${localUrl}/webhooks/cloud`, returnTo: `${localUrl}/` });
    local = new ServiceProcess(
      'local',
      entryOf('local-store', options.runtime),
      {
        PORT: String(localPort),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl(storeDbName),
        // The store's own calls (catch-up, tickets) go to the first replica; where a load balancer
        // would stand, tests kill another one.
        CLOUD_URL: first.url,
        CLOUD_API_KEY: tenant.apiKey,
        TENANT_ID: tenant.id,
        WEBHOOK_SECRETS: tenant.webhookSecret,
        DELIVERY_MODE: 'push',
        ...(options.timing === 'product' ? {} : { PULL_INTERVAL: '500ms' }),
        LOG_LEVEL: 'warn',
        ...options.localEnv,
      },
      localUrl,
      { nodeArgs: options.nodeArgs },
    );
    await local.start();
    db = new Pool({ connectionString: databaseUrl(storeDbName), max: 2 });
    cloudDb = sqlite ? undefined : new Pool({ connectionString: databaseUrl(cloudDbName), max: 2 });
    // An idle connection ended by the server (a terminate, a restart) is the pool's to replace on the
    // next query; unhandled, its 'error' event would end the test process.
    for (const pool of [db, cloudDb]) pool?.on('error', () => undefined);
    return { sim, clouds, local, tenant, secrets, db, cloudDb, admin, close };
  } catch (err) {
    await close();
    throw err;
  }
}

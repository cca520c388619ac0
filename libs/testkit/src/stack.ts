// A whole stack of real processes for a test: DingTalk simulator, cloud gateway (own SQLite file)
// and local store (own fresh Postgres database), wired like `npm start` wires them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { cloudAdmin, cloudEnv, COMPRESSED_DELIVERY, createDemoTenant, freshCloudSecrets, type CreatedTenant } from './cloud-env';
import { freePort } from './ports';
import { entryOf, ServiceProcess, type Runtime } from './service-process';

/** npm test sets TEST_DATABASE_URL (see tools/test/run-tests.ts); a direct Jest run uses the local server. */
export function maintenanceUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name: string): string {
  const url = new URL(maintenanceUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export interface StackOptions {
  deliveryMode?: 'push' | 'pull';
  cloudEnv?: Record<string, string>;
  localEnv?: Record<string, string>;
  /** Source through tsx (default) or the built bundles. */
  runtime?: Runtime;
  /** Node flags for the cloud and the local store (the benchmarks run them as deployed). */
  nodeArgs?: readonly string[];
  /** More admin-API fields for the demo tenant (e.g. its DingTalk callback token and key). */
  tenantExtra?: Record<string, unknown>;
}

export interface Stack {
  sim: ServiceProcess;
  cloud: ServiceProcess;
  local: ServiceProcess;
  tenant: CreatedTenant;
  /** Postgres of the local store, for assertions. */
  pg: Client;
  // Admin responses are read loosely in tests; each test asserts the fields it relies on.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const [simPort, cloudPort, localPort] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-'));
  const secrets = freshCloudSecrets();
  const adminToken = secrets.adminToken;
  const simUrl = `http://127.0.0.1:${simPort}`;
  const sim = new ServiceProcess('sim', entryOf('dingtalk-sim', options.runtime), { SIM_PORT: String(simPort), SIM_LOG: '0' }, simUrl, {
    healthPath: '/_sim/clock',
  });
  const cloudUrl = `http://127.0.0.1:${cloudPort}`;
  const cloud = new ServiceProcess(
    'cloud',
    entryOf('cloud-gateway', options.runtime),
    { ...cloudEnv({ port: cloudPort, dbFile: path.join(dir, 'cloud.db'), simUrl, secrets }), ...COMPRESSED_DELIVERY, LOG_LEVEL: 'warn', ...options.cloudEnv },
    cloudUrl,
    { nodeArgs: options.nodeArgs },
  );
  const started: ServiceProcess[] = [sim, cloud];
  // A service that fails to start must not leave the others running (Jest would never exit).
  const abort = async (err: unknown): Promise<never> => {
    await Promise.all(started.map((p) => p.kill()));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  };
  await Promise.all([sim.start(), cloud.start()]).catch(abort);

  const admin = cloudAdmin(cloudUrl, adminToken);
  const localUrl = `http://127.0.0.1:${localPort}`;
  const pull = options.deliveryMode === 'pull';
  const tenant = await createDemoTenant(admin, {
    webhookUrl: pull ? undefined : `${localUrl}/webhooks/cloud`,
    returnTo: `${localUrl}/`,
    moreReturnUrls: [`${localUrl}/oidc/callback`],
    extra: options.tenantExtra,
  }).catch(abort);

  const dbName = `e2e_${randomBytes(6).toString('hex')}`;
  const maintenance = new Client({ connectionString: maintenanceUrl() });
  await maintenance.connect();
  await maintenance.query(`CREATE DATABASE "${dbName}"`);
  const local = new ServiceProcess(
    'local',
    entryOf('local-store', options.runtime),
    {
      PORT: String(localPort),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl(dbName),
      CLOUD_URL: cloudUrl,
      CLOUD_API_KEY: tenant.apiKey,
      TENANT_ID: tenant.id,
      WEBHOOK_SECRETS: tenant.webhookSecret,
      DELIVERY_MODE: pull ? 'pull' : 'push',
      PULL_INTERVAL: '500ms',
      LOG_LEVEL: 'warn',
      // The OpenID Connect issuer, and the simulator's stand-in for DingTalk's JSAPI script (免登).
      LOCAL_PUBLIC_URL: localUrl,
      DINGTALK_JSAPI_URL: `${simUrl}/_sim/client/dingtalk.open.js`,
      ...options.localEnv,
    },
    localUrl,
    { nodeArgs: options.nodeArgs },
  );
  started.push(local);
  await local.start().catch(async (err: unknown) => {
    await maintenance.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await maintenance.end();
    return abort(err);
  });
  const pg = new Client({ connectionString: databaseUrl(dbName) });
  await pg.connect();

  return {
    sim,
    cloud,
    local,
    tenant,
    pg,
    admin,
    async close() {
      await Promise.all([local.stop(), cloud.stop(), sim.stop()]);
      await pg.end();
      await maintenance.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await maintenance.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Builds a real cloud for a test: its own database (a SQLite file, or a Postgres database in the
// Postgres project: test-database.ts), migrated with the real Prisma CLI, the app on port 0.
// Returns the services so tests can assert on the database directly.
import { randomBytes } from 'node:crypto';
import { createLogger, loadConfig, serve, type RunningServer } from '@dtg/service-kit';
import { isPostgresUrl } from '../../src/db/open-database';
import { sqlitePath } from '../../src/db/prisma';
import { createApp } from '../../src/app';
import { CloudConfigSchema } from '../../src/config';
import { buildServices, type CloudServices, type ServiceOverrides } from '../../src/services';
import { dropTestDatabase, migratedDatabaseUrl } from './test-database';

export { migratedDbFile, migratedDatabaseUrl, otherConnection, TEST_DIALECT } from './test-database';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const METRICS_TOKEN = 'test-metrics-token-0123456789';

export interface CloudHarness {
  url: string;
  services: CloudServices;
  server: RunningServer;
  /** Its CLOUD_DATABASE_URL: pass it to another startCloud to restart on the same data. */
  databaseUrl: string;
  /** The SQLite file (SQLite-only tests); undefined on Postgres. */
  dbFile: string | undefined;
  close(): Promise<void>;
}

/**
 * One HTTP call to a harness, as a client would make it: bearer `token` (the admin's by default), a
 * JSON body if given; the answer's JSON body (undefined when empty) and content type.
 */
export async function call(h: CloudHarness, method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
  const res = await fetch(h.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, type: res.headers.get('content-type') };
}

/** Creates an internal-app tenant (Acme, a fresh corpId) through the admin API; `fields` override or add to it. */
export async function createTenant(h: CloudHarness, fields: Record<string, unknown> = {}) {
  const res = await call(h, 'POST', '/admin/tenants', {
    name: 'Acme',
    corpId: `ding${randomBytes(4).toString('hex')}`,
    appKey: 'dingkey',
    appSecret: 'app-secret-value',
    agentId: 1,
    ...fields,
  });
  if (res.status !== 201) throw new Error(`creating a tenant answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as { tenant: { id: string }; apiKey: { key: string }; webhookSecret: string };
}

export function testEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CLOUD_DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN,
    METRICS_TOKEN,
    USER_TOKEN_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_TIMEOUT: '2s',
    // The webhook receivers of these tests listen on 127.0.0.1.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    DISPATCH_POLL_INTERVAL: '100ms',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export async function startCloud(
  options: { env?: Record<string, string>; overrides?: ServiceOverrides; dispatcher?: boolean; databaseUrl?: string } = {},
): Promise<CloudHarness> {
  const databaseUrl = options.databaseUrl ?? (await migratedDatabaseUrl());
  const config = loadConfig(CloudConfigSchema, testEnv(databaseUrl, options.env));
  const logger = createLogger({
    service: 'cloud-gateway',
    version: 'test',
    level: process.env.CLOUD_TEST_LOGS === '1' ? 'info' : 'error',
    silent: process.env.CLOUD_TEST_LOGS !== '1',
  });
  const services = await buildServices(config, logger, options.overrides);
  const server = await serve(createApp(services), { port: 0, host: '127.0.0.1', logger, handleSignals: false });
  if (options.dispatcher !== false) services.dispatcher.start();
  services.jobs.start();
  await services.stream.start();
  return {
    url: `http://127.0.0.1:${server.port}`,
    services,
    server,
    databaseUrl,
    dbFile: isPostgresUrl(databaseUrl) ? undefined : sqlitePath(databaseUrl),
    async close() {
      await server.close();
      await services.stream.stop();
      await services.jobs.stop();
      await services.dispatcher.stop();
      await services.db.$disconnect();
      if (!options.databaseUrl) await dropTestDatabase(databaseUrl);
    },
  };
}

// Builds a real cloud for a test: its own SQLite file, migrated with the real Prisma CLI, the app
// on port 0. Returns the services so tests can assert on the database directly.
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, serve, type RunningServer } from '@dtg/service-kit';
import { migrateDeploy } from '@dtg/prisma-migrate';
import { createApp } from '../../src/app';
import { CloudConfigSchema } from '../../src/config';
import { buildServices, type CloudServices, type ServiceOverrides } from '../../src/services';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const METRICS_TOKEN = 'test-metrics-token-0123456789';

export interface CloudHarness {
  url: string;
  services: CloudServices;
  server: RunningServer;
  dbFile: string;
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

export function testEnv(dbFile: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CLOUD_DATABASE_URL: `file:${dbFile}`,
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

const MIGRATIONS_DIR = path.resolve(__dirname, '../../prisma/migrations');

function migrationsDigest(): string {
  const hash = createHash('sha256');
  for (const entry of readdirSync(MIGRATIONS_DIR, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    hash.update(path.relative(MIGRATIONS_DIR, file)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

let template: Promise<string> | undefined;

/**
 * Migrating takes seconds (the real Prisma CLI), so every test file shares one migrated template
 * per set of migrations, kept in the temp dir (published by an atomic rename) and copied per test.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const file = path.join(tmpdir(), `dtg-cloud-template-${migrationsDigest()}.db`);
    if (existsSync(file)) return file;
    const dir = mkdtempSync(path.join(tmpdir(), 'cloud-template-'));
    const work = path.join(dir, 'template.db');
    await migrateDeploy(path.resolve(__dirname, '../../prisma.config.ts'), { CLOUD_DATABASE_URL: `file:${work}` });
    renameSync(work, file);
    rmSync(dir, { recursive: true, force: true });
    return file;
  })();
  return template;
}

export async function migratedDbFile(): Promise<string> {
  const source = await migratedTemplate();
  const dir = mkdtempSync(path.join(tmpdir(), 'cloud-test-'));
  const dbFile = path.join(dir, 'cloud.db');
  copyFileSync(source, dbFile);
  return dbFile;
}

export async function startCloud(
  options: { env?: Record<string, string>; overrides?: ServiceOverrides; dispatcher?: boolean; dbFile?: string } = {},
): Promise<CloudHarness> {
  const dbFile = options.dbFile ?? (await migratedDbFile());
  const config = loadConfig(CloudConfigSchema, testEnv(dbFile, options.env));
  const logger = createLogger({ service: 'cloud-gateway', version: 'test', level: 'error', silent: true });
  const services = await buildServices(config, logger, options.overrides);
  const server = await serve(createApp(services), { port: 0, host: '127.0.0.1', logger, handleSignals: false });
  if (options.dispatcher !== false) services.dispatcher.start();
  services.jobs.start();
  await services.stream.start();
  return {
    url: `http://127.0.0.1:${server.port}`,
    services,
    server,
    dbFile,
    async close() {
      await server.close();
      await services.stream.stop();
      await services.jobs.stop();
      await services.dispatcher.stop();
      await services.db.$disconnect();
      if (!options.dbFile) rmSync(path.dirname(dbFile), { recursive: true, force: true });
    },
  };
}

// A local store for one test file: its own migrated database, the real app and services, and a
// logger the test can read back. Requests go through supertest (real HTTP on an ephemeral port).
import { Writable } from 'node:stream';
import { createLogger, createMetricsRegistry, type Logger } from '@dtg/service-kit';
import { generateWebhookSecret } from '@dtg/webhook-signing';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createCloudClient } from '../../src/cloud/cloud-client';
import { loadLocalStoreConfig, type Config } from '../../src/config';
import { createServices, type Services } from '../../src/services';
import { signed, TENANT_ID } from './events';
import { createTestDatabase, type TestDatabase } from './test-database';

export const CLOUD_API_KEY = 'dtg_test_cloud_key_0123456789';

export interface TestStore {
  app: Express;
  config: Config;
  database: TestDatabase;
  services: Services;
  logger: Logger;
  logLines(): Array<Record<string, unknown>>;
  secrets: string[];
  /** Signs and POSTs one event (or any body) to /webhooks/cloud. */
  push(body: unknown, secrets?: readonly string[]): Promise<request.Response>;
  rowCounts(): Promise<Record<Table, number>>;
  close(): Promise<void>;
}

export interface TestStoreOptions {
  cloudUrl?: string;
  env?: Record<string, string>;
  gapGraceMs?: number;
}

const TABLES = [
  'processed_events',
  'dead_events',
  'users',
  'departments',
  'login_tickets',
  'sessions',
  'messages',
  'message_recipients',
  'message_recipient_history',
  'tenant_info',
] as const;
type Table = (typeof TABLES)[number];

export async function startTestStore(options: TestStoreOptions = {}): Promise<TestStore> {
  const database = await createTestDatabase();
  const secrets = [generateWebhookSecret()];
  const config = loadLocalStoreConfig({
    DATABASE_URL: database.url,
    TENANT_ID,
    CLOUD_API_KEY,
    CLOUD_URL: options.cloudUrl ?? 'http://127.0.0.1:9',
    WEBHOOK_SECRETS: secrets.join(','),
    PULL_INTERVAL: '60s',
    ...options.env,
  });
  const chunks: string[] = [];
  const logger = createLogger({
    service: 'local-store',
    version: 'test',
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        callback();
      },
    }),
  });
  const cloud = createCloudClient({ baseUrl: config.cloudUrl, apiKey: config.cloudApiKey, timeoutMs: 2000 });
  const registry = createMetricsRegistry('local-store');
  const services = createServices({ config, db: database.db, cloud, logger, registry, gapGraceMs: options.gapGraceMs });
  const app = createApp({ config, db: database.db, services, logger, registry, version: 'test' });

  return {
    app,
    config,
    database,
    services,
    logger,
    secrets,
    logLines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    push: (body, pushSecrets = config.webhookSecrets) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const id = typeof body === 'object' && body !== null && 'id' in body ? String(body.id) : 'msg_test';
      return request(app)
        .post('/webhooks/cloud')
        .set('content-type', 'application/json')
        .set(signed(text, pushSecrets, id))
        .send(text);
    },
    rowCounts: async () => {
      const counts = await Promise.all(
        TABLES.map(async (table) => [table, Number((await database.db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n)] as const),
      );
      return Object.fromEntries(counts) as Record<Table, number>;
    },
    close: async () => {
      await services.stop();
      await database.drop();
    },
  };
}

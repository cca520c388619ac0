// The cloud gateway's environment in a stack of real processes (tests, drills, benchmarks): its own
// SQLite file (or a Postgres database its replicas share), its own secrets, and the simulator
// standing in for every DingTalk host.
import { randomBytes } from 'node:crypto';
import { DEMO } from '@dtg/dingtalk-sim';
import { call } from './calls';

export interface CloudSecrets {
  adminToken: string;
  encryptionKey: string;
  userTokenSecret: string;
}

export function freshCloudSecrets(): CloudSecrets {
  return {
    adminToken: randomBytes(24).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
    userTokenSecret: randomBytes(32).toString('base64url'),
  };
}

/** Delivery timing compressed from hours to seconds, for tests that wait on retries. */
export const COMPRESSED_DELIVERY = { WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,2s,2s,5s,5s,10s,10s,10s', WEBHOOK_TIMEOUT: '3s', DISPATCH_POLL_INTERVAL: '200ms' };

/** The cloud's database: a SQLite file of its own, or a `postgresql://` URL (N replicas may share one). */
export type CloudDatabase = { dbFile: string } | { databaseUrl: string };

export function cloudEnv(options: { port: number; simUrl: string; secrets: CloudSecrets } & CloudDatabase): Record<string, string> {
  const url = `http://127.0.0.1:${options.port}`;
  return {
    PORT: String(options.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    CLOUD_DATABASE_URL: 'databaseUrl' in options ? options.databaseUrl : `file:${options.dbFile}`,
    ENCRYPTION_KEY: options.secrets.encryptionKey,
    ADMIN_TOKEN: options.secrets.adminToken,
    USER_TOKEN_SECRET: options.secrets.userTokenSecret,
    DINGTALK_LOGIN_URL: options.simUrl,
    DINGTALK_API_URL: options.simUrl,
    DINGTALK_OAPI_URL: options.simUrl,
    // The local store of every test stack listens on 127.0.0.1.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  };
}

export interface AdminAnswer<T = unknown> {
  status: number;
  body: T;
}

/** The cloud's admin API with the admin token; `T` is the JSON answer's shape. */
export function cloudAdmin(cloudUrl: string, adminToken: string) {
  return <T = unknown>(method: string, path: string, body?: unknown): Promise<AdminAnswer<T>> => call<T>(cloudUrl, method, path, { token: adminToken, body });
}

export interface CreatedTenant {
  id: string;
  apiKey: string;
  webhookSecret: string;
}

/** Any admin-API client: cloudAdmin's, or a stack's `admin`. */
export type AdminCall = (method: string, path: string, body?: unknown) => Promise<AdminAnswer>;

/** POST /admin/tenants; throws unless 201. */
export async function createTenant(admin: AdminCall, body: Record<string, unknown>): Promise<CreatedTenant> {
  const created = await admin('POST', '/admin/tenants', body);
  if (created.status !== 201) throw new Error(`tenant create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const answer = created.body as { tenant: { id: string }; apiKey: { key: string }; webhookSecret: string };
  return { id: answer.tenant.id, apiKey: answer.apiKey.key, webhookSecret: answer.webhookSecret };
}

/** The demo org's internal app as a tenant (pull-only when no webhookUrl); `extra` adds admin-API fields. */
export async function createDemoTenant(
  admin: AdminCall,
  options: { webhookUrl?: string; returnTo: string; moreReturnUrls?: string[]; extra?: Record<string, unknown> },
): Promise<CreatedTenant> {
  return createTenant(admin, {
    name: DEMO.corpName,
    corpId: DEMO.corpId,
    appKey: DEMO.app.appKey,
    appSecret: DEMO.app.appSecret,
    agentId: DEMO.app.agentId,
    webhookUrl: options.webhookUrl,
    returnUrls: [options.returnTo, ...(options.moreReturnUrls ?? [])],
    ...options.extra,
  });
}

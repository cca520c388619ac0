// The demo stack's generated secrets and provisioned tenant, kept under .data/ so a second
// `npm start` reuses them (idempotent) and the local store keeps verifying pushes.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const DATA_DIR = path.join(ROOT, '.data');
const SECRETS_FILE = path.join(DATA_DIR, 'stack-secrets.json');
const TENANT_FILE = path.join(DATA_DIR, 'demo-tenant.json');
export const ISV_TENANT_FILE = path.join(DATA_DIR, 'demo-tenant-isv.json');

export interface StackSecrets {
  ENCRYPTION_KEY: string;
  ADMIN_TOKEN: string;
  USER_TOKEN_SECRET: string;
}

export interface DemoTenant {
  tenantId: string;
  apiKey: string;
  webhookSecret: string;
}

/**
 * The cloud's settings besides its secrets (DingTalk's URLs are the simulator's here), written at
 * every start so `npm run admin` beside the stack talks to the same DingTalk as the cloud does.
 */
export function writeCloudSettings(settings: Record<string, string>): void {
  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(path.join(DATA_DIR, 'stack-env.json'), JSON.stringify(settings, null, 2));
}

export function loadOrCreateSecrets(): StackSecrets {
  mkdirSync(DATA_DIR, { recursive: true });
  if (existsSync(SECRETS_FILE)) return JSON.parse(readFileSync(SECRETS_FILE, 'utf8')) as StackSecrets;
  const secrets: StackSecrets = {
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    USER_TOKEN_SECRET: randomBytes(32).toString('base64url'),
  };
  writeFileSync(SECRETS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * A demo tenant's id, API key and webhook secret: generated on the first start, then reused
 * (`ten_demo` in demo-tenant.json; `npm start -- --isv` adds the suite's in demo-tenant-isv.json).
 */
export function loadOrCreateDemoTenant(tenantId = 'ten_demo', file = TENANT_FILE): DemoTenant {
  mkdirSync(DATA_DIR, { recursive: true });
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoTenant;
  const tenant: DemoTenant = {
    tenantId,
    apiKey: `dtg_${randomBytes(24).toString('base64url')}`,
    webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
  };
  writeFileSync(file, JSON.stringify(tenant, null, 2), { mode: 0o600 });
  return tenant;
}

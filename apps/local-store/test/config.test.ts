import { spawn } from 'node:child_process';
import path from 'node:path';
import { ConfigError } from '@dtg/service-kit';
import { generateWebhookSecret } from '@dtg/webhook-signing';
import { loadLocalStoreConfig } from '../src/config';
import { APP_ROOT, REPO_ROOT } from '../src/paths';

const minimal = { TENANT_ID: 'ten_1', CLOUD_API_KEY: 'dtg_key', WEBHOOK_SECRETS: generateWebhookSecret() };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadLocalStoreConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.variable);
    throw error;
  }
  return [];
}

describe('config', () => {
  it('applies the documented defaults', () => {
    expect(loadLocalStoreConfig(minimal)).toEqual({
      port: 3000,
      host: undefined,
      databaseUrl: undefined,
      cloudUrl: 'http://127.0.0.1:3100',
      cloudPublicUrl: 'http://127.0.0.1:3100',
      cloudApiKey: 'dtg_key',
      tenantId: 'ten_1',
      timeZone: 'Asia/Shanghai',
      webhookSecrets: [minimal.WEBHOOK_SECRETS],
      deliveryMode: 'push',
      pullIntervalMs: 5000,
      sessionTtlMs: 8 * 3_600_000,
      cookieSecure: false,
      trustProxy: false,
      sessionRateLimit: { points: 60, durationMs: 60_000 },
      logLevel: 'info',
      localAdminToken: undefined,
      metricsToken: undefined,
      encryptionKey: undefined,
      dingtalkJsapiUrl: 'https://g.alicdn.com/dingding/dingtalk-jsapi/3.0.25/dingtalk.open.js',
      retention: { processedEventsMs: 45 * 86_400_000, deadEventsMs: 90 * 86_400_000, recipientHistoryMs: 180 * 86_400_000 },
      subscriptions: {
        retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
        timeoutMs: 10_000,
        concurrency: 16,
        pollIntervalMs: 1000,
      },
    });
  });

  it('turns a retention window off with off, and refuses what is neither a duration nor off', () => {
    expect(loadLocalStoreConfig({ ...minimal, RETENTION_DEAD_EVENTS: 'off', RETENTION_PROCESSED_EVENTS: '60d' }).retention).toMatchObject({
      deadEventsMs: 0,
      processedEventsMs: 60 * 86_400_000,
    });
    expect(() => loadLocalStoreConfig({ ...minimal, RETENTION_RECIPIENT_HISTORY: 'forever' })).toThrow(/RETENTION_RECIPIENT_HISTORY/);
  });

  it('parses durations, lists and booleans', () => {
    const config = loadLocalStoreConfig({
      ...minimal,
      WEBHOOK_SECRETS: ` ${minimal.WEBHOOK_SECRETS} , ${minimal.WEBHOOK_SECRETS} `,
      PULL_INTERVAL: '250ms',
      SESSION_TTL: '30m',
      COOKIE_SECURE: 'yes',
      CLOUD_URL: 'https://cloud.example.com/',
    });
    expect(config).toMatchObject({ pullIntervalMs: 250, sessionTtlMs: 1_800_000, cookieSecure: true, cloudUrl: 'https://cloud.example.com' });
    expect(config.cloudPublicUrl).toBe('https://cloud.example.com');
    expect(config.webhookSecrets).toHaveLength(2);
  });

  it('takes the public cloud URL the browser uses apart from the one the store calls', () => {
    const config = loadLocalStoreConfig({ ...minimal, CLOUD_URL: 'http://cloud-gateway:3100', CLOUD_PUBLIC_URL: 'https://gateway.example.com/' });
    expect(config).toMatchObject({ cloudUrl: 'http://cloud-gateway:3100', cloudPublicUrl: 'https://gateway.example.com' });
    expect(problemsOf({ ...minimal, CLOUD_PUBLIC_URL: 'ftp://gateway.example.com' })).toEqual(['CLOUD_PUBLIC_URL']);
    expect(problemsOf({ ...minimal, CLOUD_PUBLIC_URL: 'gateway.example.com' })).toEqual(['CLOUD_PUBLIC_URL']);
  });

  it("takes the organisation's time zone by its IANA name, and refuses a zone Intl does not know", () => {
    expect(loadLocalStoreConfig({ ...minimal, ORG_TIME_ZONE: ' Europe/Berlin ' }).timeZone).toBe('Europe/Berlin');
    expect(problemsOf({ ...minimal, ORG_TIME_ZONE: 'Mars/Olympus' })).toEqual(['ORG_TIME_ZONE']);
    expect(problemsOf({ ...minimal, ORG_TIME_ZONE: 'GMT+8 Beijing' })).toEqual(['ORG_TIME_ZONE']);
  });

  it('needs webhook secrets only in push mode', () => {
    expect(problemsOf({ ...minimal, WEBHOOK_SECRETS: '' })).toEqual(['WEBHOOK_SECRETS']);
    expect(problemsOf({ ...minimal, WEBHOOK_SECRETS: '', DELIVERY_MODE: 'pull' })).toEqual([]);
    expect(problemsOf({ ...minimal, WEBHOOK_SECRETS: 'whsec_tooshort' })).toEqual(['WEBHOOK_SECRETS']);
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ PORT: 'http', DELIVERY_MODE: 'sometimes', PULL_INTERVAL: 'soon', DATABASE_URL: 'not a url' }).sort()).toEqual(
      ['CLOUD_API_KEY', 'DATABASE_URL', 'DELIVERY_MODE', 'PORT', 'PULL_INTERVAL', 'TENANT_ID'].sort(),
    );
  });
});

describe('start-up with a bad environment', () => {
  it('exits non-zero naming every bad variable, without echoing secret values', async () => {
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, [path.join(APP_ROOT, 'src', 'main.ts')], {
      cwd: APP_ROOT,
      env: { PATH: process.env.PATH, PORT: '99999', DELIVERY_MODE: 'sideways', COOKIE_SECURE: 'perhaps', WEBHOOK_SECRETS: 'whsec_c2VjcmV0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    for (const variable of ['PORT', 'DELIVERY_MODE', 'COOKIE_SECURE', 'WEBHOOK_SECRETS', 'TENANT_ID', 'CLOUD_API_KEY']) {
      expect(stderr).toContain(`${variable}:`);
    }
    expect(stderr).not.toContain('c2VjcmV0');
  });

  it('when given the values docker-compose.yml once shipped, then it exits non-zero naming each as published', async () => {
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, [path.join(APP_ROOT, 'src', 'main.ts')], {
      cwd: APP_ROOT,
      env: {
        PATH: process.env.PATH,
        TENANT_ID: 'ten_demo',
        DATABASE_URL: 'postgresql://local_store:local-store-demo-password@127.0.0.1:9/local_store',
        CLOUD_API_KEY: 'dtg_demo_compose_api_key_0123456789abcdef',
        WEBHOOK_SECRETS: 'whsec_ZGVtby1jb21wb3NlLXdlYmhvb2stc2VjcmV0LTAxMjM0NTY3',
        LOCAL_ADMIN_TOKEN: 'change-me-local-admin-token',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    for (const variable of ['DATABASE_URL', 'CLOUD_API_KEY', 'WEBHOOK_SECRETS', 'LOCAL_ADMIN_TOKEN']) {
      expect(stderr).toMatch(new RegExp(`${variable}:.*published in this repository`));
    }
    expect(stderr).not.toMatch(/demo-password|compose_api_key|ZGVtby1/);
  });
});

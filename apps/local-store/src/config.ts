// The only place that reads the environment. Everything else receives the frozen `Config`.
import {
  envBool,
  envDurationList,
  envDurationMs,
  envDurationOrOff,
  envInt,
  envList,
  envPort,
  envRateLimit,
  envSecret,
  envTrustProxy,
  envUrl,
  isPublishedSecret,
  loadConfig,
  parseConfigOrExit,
  PUBLISHED_SECRET_MESSAGE,
} from '@dtg/service-kit';
import { z } from 'zod';

const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
// Standard Webhooks secrets are 24–64 random bytes; anything shorter is a typo, not a key.
const MIN_SECRET_BYTES = 24;

const isWebhookSecret = (secret: string): boolean =>
  WEBHOOK_SECRET.test(secret) && Buffer.from(secret.slice('whsec_'.length), 'base64').length >= MIN_SECRET_BYTES;

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** An IANA time zone name Intl knows (Asia/Shanghai, Europe/Berlin…). */
const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const requiredText = (what: string) => z.string({ error: 'is required but not set' }).trim().min(1, `${what} must not be blank`);

const notPublished = (value: string | undefined) => value === undefined || !isPublishedSecret(value);
/** The password of a database URL, if it has one. */
const urlPassword = (url: string | undefined) => (url !== undefined && URL.canParse(url) ? decodeURIComponent(new URL(url).password) || undefined : undefined);

const DatabaseUrlSchema = optionalText
  .refine((url) => url === undefined || URL.canParse(url), 'must be an absolute URL')
  .refine((url) => notPublished(urlPassword(url)), `has a password that ${PUBLISHED_SECRET_MESSAGE}`);

export const ConfigSchema = z
  .object({
    PORT: envPort(3000),
    HOST: optionalText,
    DATABASE_URL: DatabaseUrlSchema,
    CLOUD_URL: envUrl('http://127.0.0.1:3100'),
    /** The cloud as the console's browser reaches it (login, sending); CLOUD_URL when unset. */
    CLOUD_PUBLIC_URL: optionalText.refine((url) => url === undefined || (/^https?:\/\//.test(url) && URL.canParse(url)), 'must be an http(s) URL'),
    CLOUD_API_KEY: requiredText('the API key').refine(notPublished, PUBLISHED_SECRET_MESSAGE),
    /** The store as browsers reach it; a login returns to LOCAL_PUBLIC_URL/. Unset: the origin the browser used. */
    LOCAL_PUBLIC_URL: optionalText.refine((url) => url === undefined || (/^https?:\/\//.test(url) && URL.canParse(url)), 'must be an http(s) URL'),
    TENANT_ID: requiredText('the tenant id'),
    /** The organisation's time zone: the console shows every date in it, whatever the browser's or server's zone. */
    ORG_TIME_ZONE: z.string().trim().default('Asia/Shanghai').refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
    WEBHOOK_SECRETS: envList([])
      .refine((secrets) => secrets.every(isWebhookSecret), `each secret must be whsec_ followed by at least ${MIN_SECRET_BYTES} base64 bytes`)
      .refine((secrets) => secrets.every(notPublished), `holds a secret that ${PUBLISHED_SECRET_MESSAGE}`),
    DELIVERY_MODE: z.enum(['push', 'pull']).default('push'),
    PULL_INTERVAL: envDurationMs('5s').refine((ms) => ms >= 100, 'must be at least 100ms'),
    SESSION_TTL: envDurationMs('8h').refine((ms) => ms >= 60_000, 'must be at least 1m'),
    COOKIE_SECURE: envBool(false),
    /** Which proxies' X-Forwarded-For to believe for the client's address (rate limits): off, a hop count, or their addresses. */
    TRUST_PROXY: envTrustProxy(),
    /** POST /api/session (each unknown ticket costs a call to the cloud) and /api/logout, per client address. */
    RATE_LIMIT_SESSION_PER_CLIENT: envRateLimit('60/1m'),
    LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
    /** Bearer token for the admin endpoints when no admin session is at hand (scripts, ops). */
    LOCAL_ADMIN_TOKEN: optionalText
      .refine((token) => token === undefined || token.length >= 16, 'must be at least 16 characters long')
      .refine(notPublished, PUBLISHED_SECRET_MESSAGE),
    /**
     * Seals the OpenID Connect provider's private signing keys in the database (32 bytes, base64:
     * `openssl rand -base64 32`). Unset: a key derived from CLOUD_API_KEY, which the database does
     * not hold either; set it to rotate the API key without re-keying the provider.
     */
    ENCRYPTION_KEY: envSecret({ minLength: 44 })
      .optional()
      .refine((key) => key === undefined || Buffer.from(key, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)'),
    /** DingTalk's JSAPI script, which the console loads only when opened inside the DingTalk client (the simulator serves a stand-in at /_sim/client/dingtalk.open.js). */
    DINGTALK_JSAPI_URL: envUrl('https://g.alicdn.com/dingding/dingtalk-jsapi/3.0.25/dingtalk.open.js'),
    /** Bearer token for GET /metrics; without it the route does not exist. */
    METRICS_TOKEN: optionalText
      .refine((token) => token === undefined || token.length >= 16, 'must be at least 16 characters long')
      .refine(notPublished, PUBLISHED_SECRET_MESSAGE),
    /** Pushes to subscription endpoints: the cloud's retry schedule by default, then dead. */
    SUBSCRIPTION_RETRY_SCHEDULE: envDurationList('5s,5m,30m,2h,5h,10h,10h'),
    SUBSCRIPTION_TIMEOUT: envDurationMs('10s').refine((ms) => ms >= 100, 'must be at least 100ms'),
    /** Pushes in flight per endpoint. */
    SUBSCRIPTION_CONCURRENCY: envInt(16, { min: 1, max: 256 }),
    /** How often due retries are looked for (new changes are pushed at once). */
    SUBSCRIPTION_POLL_INTERVAL: envDurationMs('1s').refine((ms) => ms >= 50, 'must be at least 50ms'),
    /** Retention (features/retention/), `off` keeps rows: processed events at or below the cursor, dead events, recipient status history. */
    RETENTION_PROCESSED_EVENTS: envDurationOrOff('45d'),
    RETENTION_DEAD_EVENTS: envDurationOrOff('90d'),
    RETENTION_RECIPIENT_HISTORY: envDurationOrOff('180d'),
  })
  .superRefine((env, ctx) => {
    if (env.DELIVERY_MODE === 'push' && env.WEBHOOK_SECRETS.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRETS'], message: 'is required when DELIVERY_MODE=push' });
    }
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    cloudUrl: env.CLOUD_URL.replace(/\/+$/, ''),
    cloudPublicUrl: (env.CLOUD_PUBLIC_URL ?? env.CLOUD_URL).replace(/\/+$/, ''),
    cloudApiKey: env.CLOUD_API_KEY,
    localPublicUrl: env.LOCAL_PUBLIC_URL?.replace(/\/+$/, ''),
    tenantId: env.TENANT_ID,
    timeZone: env.ORG_TIME_ZONE,
    webhookSecrets: env.WEBHOOK_SECRETS,
    deliveryMode: env.DELIVERY_MODE,
    pullIntervalMs: env.PULL_INTERVAL,
    sessionTtlMs: env.SESSION_TTL,
    cookieSecure: env.COOKIE_SECURE,
    trustProxy: env.TRUST_PROXY,
    sessionRateLimit: env.RATE_LIMIT_SESSION_PER_CLIENT,
    logLevel: env.LOG_LEVEL,
    localAdminToken: env.LOCAL_ADMIN_TOKEN,
    metricsToken: env.METRICS_TOKEN,
    encryptionKey: env.ENCRYPTION_KEY,
    dingtalkJsapiUrl: env.DINGTALK_JSAPI_URL,
    retention: {
      processedEventsMs: env.RETENTION_PROCESSED_EVENTS,
      deadEventsMs: env.RETENTION_DEAD_EVENTS,
      recipientHistoryMs: env.RETENTION_RECIPIENT_HISTORY,
    },
    subscriptions: {
      retryScheduleMs: env.SUBSCRIPTION_RETRY_SCHEDULE,
      timeoutMs: env.SUBSCRIPTION_TIMEOUT,
      concurrency: env.SUBSCRIPTION_CONCURRENCY,
      pollIntervalMs: env.SUBSCRIPTION_POLL_INTERVAL,
    },
  }));

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** Throws ConfigError listing every bad variable (tests build configs with this). */
export function loadLocalStoreConfig(env: Record<string, string | undefined>): Config {
  return loadConfig(ConfigSchema, env);
}

/** For main.ts: a bad environment prints every problem and exits non-zero. */
export function configFromProcessEnv(): Config {
  return parseConfigOrExit(ConfigSchema, process.env);
}

/**
 * `npm run store-admin`: only the database (DATABASE_URL, else the embedded Postgres `npm start`
 * runs) and, when the database cannot tell, the tenant.
 */
export const StoreAdminConfigSchema = z
  .object({
    DATABASE_URL: DatabaseUrlSchema,
    /** Needed only for a store that has not received anything yet (otherwise read from the database). */
    TENANT_ID: optionalText,
  })
  .transform((env) => ({ databaseUrl: env.DATABASE_URL, tenantId: env.TENANT_ID }));

export type StoreAdminConfig = Readonly<z.infer<typeof StoreAdminConfigSchema>>;

export function storeAdminConfigFromProcessEnv(): StoreAdminConfig {
  return loadConfig(StoreAdminConfigSchema, process.env);
}

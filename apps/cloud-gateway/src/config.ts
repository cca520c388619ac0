// The cloud's whole configuration, parsed once at start (a bad env exits listing every problem).
import path from 'node:path';
import { z } from 'zod';
import { envBool, envDurationList, envDurationMs, envDurationOrOff, envInt, envPort, envRateLimit, envSecret, envTrustProxy, envUrl } from '@dtg/service-kit';

const repoRoot = path.resolve(__dirname, '../../..');

export const CloudConfigSchema = z.object({
  PORT: envPort(3100),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: envUrl('http://localhost:3100'),
  /** Which proxies' X-Forwarded-For to believe for the client's address (rate limits): off, a hop count, or their addresses. */
  TRUST_PROXY: envTrustProxy(),
  /**
   * The SQLite file as a `file:` URL (one process), or a `postgresql://` URL: any number of
   * replicas on one Postgres (docs/scaling-out.md). Anything else is refused rather than taken for a file name.
   */
  CLOUD_DATABASE_URL: z
    .string()
    .default(`file:${path.join(repoRoot, '.data', 'cloud-gateway.db')}`)
    .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
      message: 'must be a file: URL (SQLite) or a postgresql:// URL (Postgres)',
    }),
  /**
   * How long a request (or background step) waits for another process's write lock on the SQLite
   * file — waited for without blocking — before `database_busy` (503, Retry-After).
   */
  CLOUD_DATABASE_LOCK_WAIT: envDurationMs('3s'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  /** Bearer token for GET /metrics; without it the route does not exist. */
  METRICS_TOKEN: envSecret({ minLength: 16 }).optional(),
  /** 32 bytes, base64: seals DingTalk and webhook secrets at rest (AES-256-GCM). */
  ENCRYPTION_KEY: envSecret({ minLength: 44 }),
  /** During a key rotation: the key being replaced, so what it sealed still opens until `admin keys rotate` has re-sealed it. */
  ENCRYPTION_KEY_PREVIOUS: envSecret({ minLength: 44 }).optional(),
  ADMIN_TOKEN: envSecret({ minLength: 24 }),
  USER_TOKEN_SECRET: envSecret({ minLength: 32 }),
  USER_TOKEN_TTL: envDurationMs('15m'),
  /** GET /auth/dingtalk and its callback per client address, and the start per tenant. */
  RATE_LIMIT_LOGIN_PER_CLIENT: envRateLimit('120/1m'),
  /** Operator console sign-ins per client address: plenty for a person, slow for a guesser (each also costs a scrypt). */
  RATE_LIMIT_OPERATOR_SIGN_IN: envRateLimit('10/1m'),
  RATE_LIMIT_LOGIN_PER_TENANT: envRateLimit('1200/1m'),
  DINGTALK_LOGIN_URL: envUrl('https://login.dingtalk.com'),
  DINGTALK_API_URL: envUrl('https://api.dingtalk.com'),
  DINGTALK_OAPI_URL: envUrl('https://oapi.dingtalk.com'),
  /** Client-side QPS per (app or suite+corp, API path); DingTalk's standard limit is 20. */
  DINGTALK_QPS: envInt(20, { min: 1, max: 1000 }),
  /** Third-party suite (optional): credentials and its callback crypto settings. */
  SUITE_KEY: z.string().min(1).optional(),
  SUITE_SECRET: envSecret({ minLength: 8 }).optional(),
  SUITE_CALLBACK_TOKEN: z.string().min(3).max(64).optional(),
  SUITE_CALLBACK_AES_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters/digits')
    .optional(),
  /**
   * How the suite's events (suite_ticket, authorisations, contacts) arrive: `http` = encrypted pushes
   * to /callbacks/dingtalk/suite (legacy HTTP or SyncHTTP), `stream` = a Stream connection the cloud
   * opens with SUITE_KEY/SUITE_SECRET (no public URL needed).
   */
  SUITE_EVENT_MODE: z.enum(['http', 'stream']).default('http'),
  /** How often the cloud re-reads which Stream connections should be open (tenants changed by the admin CLI, another process). */
  STREAM_SUPERVISE_INTERVAL: envDurationMs('10s'),
  /** DingTalk callbacks older or newer than this (by their timestamp) are refused as stale. */
  CALLBACK_TIMESTAMP_WINDOW: envDurationMs('5m'),
  /** How often the callback housekeeping runs (nonce pruning, the suite_ticket alarm). */
  CALLBACK_MAINTENANCE_INTERVAL: envDurationMs('1m'),
  /** Alarm (warn, then error at twice this) when no suite_ticket arrived for this long; DingTalk pushes one about every 5 h. */
  SUITE_TICKET_ALARM_AFTER: envDurationMs('6h'),
  WEBHOOK_TIMEOUT: envDurationMs('10s'),
  /**
   * Webhook URLs may point at loopback and private networks (10/8, 172.16/12, 192.168/16, fc00::/7):
   * only where the local stores live in the cloud's own network. Metadata, link-local and other
   * special addresses stay refused either way.
   */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: envBool(false),
  WEBHOOK_RETRY_SCHEDULE: envDurationList('5s,5m,30m,2h,5h,10h,10h'),
  WEBHOOK_CONCURRENCY_PER_TENANT: envInt(32, { min: 1, max: 256 }),
  /**
   * A tenant's endpoint failing this long without one success in between is disabled: nothing is
   * pushed to it until an operator re-enables it (events wait in the outbox; pull keeps working).
   * `off` never disables. Like Svix's 5 days.
   */
  ENDPOINT_DISABLE_AFTER: envDurationOrOff('5d'),
  /**
   * Operational webhooks (delivery.dead, endpoint.disabled, tenant.credentials_failing,
   * suite_ticket.stale) for the operator, as Standard Webhooks signed with OPS_WEBHOOK_SECRET
   * (`whsec_` + base64, as the tenants' secrets). Both or neither; without them events are only logged.
   */
  OPS_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  OPS_WEBHOOK_SECRET: envSecret({ minLength: 24 }).optional(),
  /** How often the operational checks run (endpoints failing past ENDPOINT_DISABLE_AFTER between retries). */
  OPS_CHECK_INTERVAL: envDurationMs('1m'),
  DISPATCH_POLL_INTERVAL: envDurationMs('1s'),
  JOB_POLL_INTERVAL: envDurationMs('500ms'),
  SECRET_ROTATION_GRACE: envDurationMs('24h'),
  /** How long admin actions stay in the audit log (operator console, admin API, CLI); older entries are swept. */
  AUDIT_RETENTION: envDurationMs('400d'),
  /** Jobs one process runs at once (dispatch, receipts, directory walks, callbacks). */
  JOB_CONCURRENCY: envInt(8, { min: 1, max: 64 }),
  /**
   * Scheduled full directory reconcile (contact callbacks get lost): every tenant's directory is
   * walked again this often, slots anchored at DIRECTORY_RECONCILE_AT (China time) and spread over
   * up to an hour by tenant. `off` stops it for every tenant; a tenant may set its own interval.
   */
  DIRECTORY_RECONCILE_INTERVAL: envDurationOrOff('1d'),
  DIRECTORY_RECONCILE_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h, China time)')
    .default('03:00')
    .transform((hhmm) => (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000),
  /**
   * Retention (features/retention/): how long each family of rows is kept, or `off` to keep it
   * forever. Events (with their deliveries and attempts) go only once the tenant's store has them —
   * every push delivered, or pulled — so nothing a store still needs is pruned, whatever the window.
   */
  RETENTION_EVENTS: envDurationOrOff('30d'),
  /** Jobs that finished (done, or failed for good), by their last change. */
  RETENTION_JOBS: envDurationOrOff('7d'),
  /** Finished messages (completed, failed, recalled; no chunk still open) with recipients and chunks, by their last change. */
  RETENTION_MESSAGES: envDurationOrOff('180d'),
  /** Quota guard rows (per user per China day): kept this long after their day. */
  RETENTION_QUOTA: envDurationOrOff('1d'),
  /** How often the pruning job runs; it works in batches of RETENTION_BATCH rows, each its own short transaction. */
  RETENTION_INTERVAL: envDurationMs('1h'),
  RETENTION_BATCH: envInt(500, { min: 10, max: 10_000 }),
  /** Work notifications: userids per asyncsend_v2 call (DingTalk documents 100; getsendresult refuses larger tasks). */
  MESSAGE_CHUNK_SIZE: envInt(100, { min: 1, max: 100 }),
  /** Pre-flight quota guard: notifications per user per day (Asia/Shanghai) for internal apps / ISV suites. */
  MESSAGE_DAILY_CAP_INTERNAL: envInt(500, { min: 1, max: 100_000 }),
  MESSAGE_DAILY_CAP_ISV: envInt(100, { min: 1, max: 100_000 }),
  /**
   * Waits before each delivery poll (getsendresult) of a sent task until every recipient has an
   * outcome; the last one repeats, so statuses are final within it of DingTalk finishing.
   */
  MESSAGE_RECEIPT_SCHEDULE: envDurationList('5s,30s,1m'),
  /**
   * Ages of a task (time since it was sent) at which unread recipients are polled for read
   * receipts; none after the last. Each poll is a DingTalk call the org pays for (5,000 a month on
   * the standard edition), so the default spends four per chunk over a day.
   */
  MESSAGE_READ_POLL_SCHEDULE: envDurationList('30m,2h,6h,20h'),
  /**
   * DingTalk API calls an org may spend a month (DingTalk's standard edition: 5,000, tokens, login
   * and contacts excluded) before receipt polling stops; sends go on. 0 = no budget. A tenant's
   * `monthlyCallBudget` overrides it (orgs on paid editions have more).
   */
  DINGTALK_MONTHLY_CALL_BUDGET: envInt(5_000, { min: 0, max: 100_000_000 }),
  /** No task query after this long past the send (DingTalk answers for 24 h). */
  MESSAGE_RESULT_WINDOW: envDurationMs('23h'),
  MESSAGE_RECALL_WINDOW: envDurationMs('24h'),
  /** Dispatch runs in a row a definitely refused chunk is tried in before it fails (below the job runner's 8). */
  MESSAGE_SEND_ATTEMPTS: envInt(6, { min: 1, max: 7 }),
  /** Task ids probed to find the task of a send whose outcome is unknown (0 = no probing). */
  MESSAGE_RECONCILE_PROBES: envInt(8, { min: 0, max: 50 }),
});

export type CloudConfig = z.infer<typeof CloudConfigSchema>;

/** The admin CLI works on the database directly: it needs no admin token or user-token secret. */
export const AdminCliConfigSchema = CloudConfigSchema.extend({
  ADMIN_TOKEN: z.string().default(''),
  USER_TOKEN_SECRET: z.string().default(''),
});

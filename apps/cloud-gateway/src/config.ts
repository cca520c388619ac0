// The cloud's whole configuration, parsed once at start (a bad env exits listing every problem).
import path from 'node:path';
import { z } from 'zod';
import { envDurationMs, envInt, envList, envPort, envSecret, envUrl, parseDurationMs } from '@dtg/service-kit';

const repoRoot = path.resolve(__dirname, '../../..');

const durationList = (fallback: string) =>
  envList(fallback.split(',')).transform((items, ctx) => {
    const ms = items.map((item) => parseDurationMs(item));
    if (ms.some((v) => v === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of durations (5s,5m,30m,…)' });
      return z.NEVER;
    }
    return ms as number[];
  });

export const CloudConfigSchema = z.object({
  PORT: envPort(3100),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: envUrl('http://localhost:3100'),
  CLOUD_DATABASE_URL: z.string().default(`file:${path.join(repoRoot, '.data', 'cloud-gateway.db')}`),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  /** 32 bytes, base64: seals DingTalk and webhook secrets at rest (AES-256-GCM). */
  ENCRYPTION_KEY: envSecret({ minLength: 44 }),
  ADMIN_TOKEN: envSecret({ minLength: 24 }),
  USER_TOKEN_SECRET: envSecret({ minLength: 32 }),
  USER_TOKEN_TTL: envDurationMs('15m'),
  DINGTALK_LOGIN_URL: envUrl('https://login.dingtalk.com'),
  DINGTALK_API_URL: envUrl('https://api.dingtalk.com'),
  DINGTALK_OAPI_URL: envUrl('https://oapi.dingtalk.com'),
  /** Client-side QPS per (app or suite+corp, API path); DingTalk's standard limit is 20. */
  DINGTALK_QPS: envInt(20, { min: 1, max: 1000 }),
  /** Third-party suite (optional): credentials and its callback crypto settings. */
  SUITE_KEY: z.string().min(1).optional(),
  SUITE_SECRET: envSecret({ minLength: 8 }).optional(),
  SUITE_CALLBACK_TOKEN: z.string().min(3).max(64).optional(),
  SUITE_CALLBACK_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters/digits').optional(),
  WEBHOOK_TIMEOUT: envDurationMs('10s'),
  WEBHOOK_RETRY_SCHEDULE: durationList('5s,5m,30m,2h,5h,10h,10h'),
  WEBHOOK_CONCURRENCY_PER_TENANT: envInt(16, { min: 1, max: 256 }),
  DISPATCH_POLL_INTERVAL: envDurationMs('1s'),
  JOB_POLL_INTERVAL: envDurationMs('500ms'),
  SECRET_ROTATION_GRACE: envDurationMs('24h'),
});

export type CloudConfig = z.infer<typeof CloudConfigSchema>;

/** The admin CLI works on the database directly: it needs no admin token or user-token secret. */
export const AdminCliConfigSchema = CloudConfigSchema.extend({
  ADMIN_TOKEN: z.string().default(''),
  USER_TOKEN_SECRET: z.string().default(''),
});

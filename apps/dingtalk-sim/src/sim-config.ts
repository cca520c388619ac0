import { z } from 'zod';

const ms = z.number().int().min(0);
const qps = z.number().positive();

/**
 * Every behaviour knob of the simulator, with DingTalk's documented values as defaults.
 * Where the reference has a [CONFLICT] the stricter value is the default (see README).
 */
export const SimConfigSchema = z.object({
  tokenLifetimeMs: ms.default(7200_000),
  userTokenLifetimeMs: ms.default(7200_000),
  refreshTokenLifetimeMs: ms.default(30 * 86_400_000),
  authCodeLifetimeMs: ms.default(300_000),
  /** Old-host answer for an expired token: documented 42001, or the 88/40014 real servers also give. */
  expiredTokenStyle: z.enum(['42001', '88-40014']).default('42001'),
  rotateRefreshTokens: z.boolean().default(true),
  defaultQps: qps.default(20),
  perApiQps: z.record(z.string(), qps).default({}),
  globalPerApiQps: z.record(z.string(), qps).default({}),
  signatureSkewMs: ms.default(60_000),
  timeoutHoldMs: ms.default(3000),
  ipBanMs: ms.default(300_000),
  maxUseridsPerSend: z.number().int().positive().default(100),
  maxDeptsPerSend: z.number().int().positive().default(20),
  msgMaxBytes: z.number().int().positive().default(2048),
  dailyCapInternal: z.number().int().positive().default(500),
  dailyCapIsv: z.number().int().positive().default(100),
  /** Per-sender recipients per minute before recipients are dropped with 143103. */
  recipientsPerMinute: z.number().int().positive().default(5000),
  /** Robot batchSend userIds per call: the field table's 20 (its error text says 100, a [CONFLICT]). */
  robotMaxUserIds: z.number().int().positive().default(20),
  /** Robot sends: recipients per minute per robot before DingTalk flow-controls the rest ([UNVERIFIED] figure). */
  robotRecipientsPerMinute: z.number().int().positive().default(5000),
  /** Userids every robot send reports as flow-controlled (for tests of that path). */
  robotFlowControlledUserids: z.array(z.string()).default([]),
  taskRunningAfterMs: ms.default(1000),
  taskDoneAfterMs: ms.default(3000),
  readPercent: z.number().min(0).max(100).default(60),
  failUserids: z.array(z.string()).default([]),
  taskQueryWindowMs: ms.default(86_400_000),
  recallWindowMs: ms.default(86_400_000),
  statusBarWindowMs: ms.default(7 * 86_400_000),
  resultMaxRecipients: z.number().int().positive().default(100),
  callbackTimeoutMs: ms.default(1200),
  callbackRetryDelaysMs: z.array(ms).default([10_000, 30_000]),
  appCallbackOwnerKey: z.enum(['corpId', 'appKey']).default('corpId'),
  /** Sim-time cadence of automatic suite_ticket rotation (only while a suite URL is set); 0 = off. */
  suiteTicketIntervalMs: ms.default(5 * 3600_000),
  /** Stream mode (real time, not sim time: sockets run on it). A connections/open ticket is good this long. */
  streamTicketLifetimeMs: ms.default(90_000),
  /** An EVENT/CALLBACK not acknowledged within this is delivered again ([UNVERIFIED]; the Node SDK mentions retries within 60 s). */
  streamAckTimeoutMs: ms.default(10_000),
  /** Wait before delivering again after LATER, a timeout or a dropped connection. */
  streamRedeliveryDelayMs: ms.default(1000),
  /** Deliveries of one message before it is given up (state `failed`). */
  streamMaxDeliveries: z.number().int().positive().default(20),
  streamPingIntervalMs: z.number().int().positive().default(10_000),
  /** After a SYSTEM `disconnect` the socket closes this much later. */
  streamDisconnectGraceMs: ms.default(1000),
  /** Counted API calls an org may make per month (standard edition: 5,000); 0 = unlimited. */
  monthlyCallQuota: z.number().int().min(0).default(0),
  faultSeed: z.number().int().default(1),
  requestLogLimit: z.number().int().positive().default(20_000),
});

export type SimConfig = z.infer<typeof SimConfigSchema>;
export type SimConfigInput = z.input<typeof SimConfigSchema>;

export function buildConfig(input: SimConfigInput = {}): SimConfig {
  return SimConfigSchema.parse(input);
}

/**
 * Validates a partial update and returns only the keys the caller sent (zod's `.partial()`
 * would fill every other key with its default and silently reset it).
 */
export function parseConfigPatch(input: unknown): Partial<SimConfig> {
  const parsed = SimConfigSchema.partial().parse(input);
  const sent = new Set(Object.keys(input as object));
  return Object.fromEntries(Object.entries(parsed).filter(([key]) => sent.has(key))) as Partial<SimConfig>;
}

// When to try a failed webhook delivery again; both senders (the cloud's push to local stores, the
// store's push to subscription endpoints) follow it. Default like Svix: 5 s, 5 min, 30 min, 2 h,
// 5 h, 10 h, 10 h; after the last step the delivery is dead (kept, listed, replayable — never dropped).

export interface RetryPolicy {
  /** Delays in ms after the 1st, 2nd, … failed attempt. */
  scheduleMs: readonly number[];
  /** ±fraction of each delay, so many failing deliveries do not retry in lockstep. */
  jitter: number;
  /** Bounds applied to a receiver's Retry-After. */
  retryAfterMinMs: number;
  retryAfterMaxMs: number;
}

export const DEFAULT_RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** The policy both services use: ±20 % jitter, a receiver's Retry-After honoured between 1 s and 1 h. */
export function retryPolicy(scheduleMs: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS): RetryPolicy {
  return { scheduleMs, jitter: 0.2, retryAfterMinMs: 1_000, retryAfterMaxMs: 3_600_000 };
}

export type NextStep = { kind: 'retry'; delayMs: number } | { kind: 'dead' };

/**
 * `failedAttempts` counts the attempt that just failed. `retryAfterMs` is the receiver's hint
 * (429/503 Retry-After), honoured within bounds but never beyond the end of the schedule.
 */
export function nextStep(policy: RetryPolicy, failedAttempts: number, retryAfterMs?: number, random = Math.random): NextStep {
  const base = policy.scheduleMs[failedAttempts - 1];
  if (base === undefined) return { kind: 'dead' };
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) {
    return { kind: 'retry', delayMs: Math.min(Math.max(retryAfterMs, policy.retryAfterMinMs), policy.retryAfterMaxMs) };
  }
  const spread = base * policy.jitter;
  return { kind: 'retry', delayMs: Math.max(0, Math.round(base - spread + random() * 2 * spread)) };
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

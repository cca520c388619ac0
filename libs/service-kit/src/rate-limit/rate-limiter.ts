// Counting requests per key (a client address, a tenant) in fixed windows. Behind an interface so
// the store can change: in memory for one process, a shared store (the cloud's replicas on Postgres
// count in the database: rate-limiter-flexible's RateLimiterPostgres) for several.
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitSetting } from '../config/env-schemas';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Counts one request for `key`; refused once the window's budget is spent. */
  consume(key: string): Promise<RateDecision>;
}

export function memoryRateLimiter(setting: RateLimitSetting): RateLimiter {
  return rateLimiterOf(new RateLimiterMemory({ points: setting.points, duration: setting.durationMs / 1000 }));
}

/** A rate-limiter-flexible limiter (in memory, or a shared store) as a RateLimiter: one point per request. */
export function rateLimiterOf(limiter: RateLimiterAbstract): RateLimiter {
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (refusal) {
        // The library rejects with its result object when the budget is spent, with an Error otherwise.
        if (refusal instanceof RateLimiterRes) return { allowed: false, retryAfterMs: refusal.msBeforeNext };
        throw refusal;
      }
    },
  };
}

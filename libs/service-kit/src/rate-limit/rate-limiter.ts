// Counting requests per key (a client address, a tenant) in fixed windows. Behind an interface so
// the store can change: in memory today (one process), and a shared store (rate-limiter-flexible
// has Postgres and Redis ones) when the cloud runs as several replicas.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitSetting } from '../config/env-schemas';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Counts one request for `key`; refused once the window's budget is spent. */
  consume(key: string): Promise<RateDecision>;
}

export function memoryRateLimiter(setting: RateLimitSetting): RateLimiter {
  const limiter = new RateLimiterMemory({ points: setting.points, duration: setting.durationMs / 1000 });
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

import { setTimeout as sleep } from 'node:timers/promises';
import { TokenBucket } from './token-bucket';

export interface RateLimitOptions {
  /** Requests per second per (app or suite+corp, API path). Default 20, DingTalk's standard per-app-per-API limit. */
  qps?: number;
  /** Per API path overrides, e.g. `{ '/topapi/message/corpconversation/asyncsend_v2': 10 }`. */
  perPath?: Readonly<Record<string, number>>;
  /**
   * Requests that may start back to back before the rate applies. Default 1: requests are spaced
   * evenly (1000/qps ms), which never exceeds qps in any 1-second window, so a correctly
   * configured client never meets DingTalk's 90018 / QpsLimit answers.
   */
  burst?: number;
}

export const DEFAULT_QPS = 20;

/** Client-side throttle: callers wait for a slot (never an error), one bucket per (identity, path). */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly options: RateLimitOptions = {},
    private readonly monotonicNow: () => number = () => performance.now(),
    /** Told about each wait for a slot (metrics: how much the client holds calls back). */
    private readonly onWait?: (wait: { path: string; waitMs: number }) => void,
  ) {}

  async acquire(identity: string, path: string): Promise<void> {
    const now = this.monotonicNow();
    const waitMs = this.bucketFor(identity, path, now).reserve(now);
    if (waitMs > 0) {
      this.onWait?.({ path, waitMs });
      await sleep(waitMs);
    }
  }

  private bucketFor(identity: string, path: string, now: number): TokenBucket {
    const key = `${identity} ${path}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const qps = this.options.perPath?.[path] ?? this.options.qps ?? DEFAULT_QPS;
      bucket = new TokenBucket(qps, this.options.burst ?? 1, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { TokenBucket } from './token-bucket';

/**
 * Slots shared by every process that calls DingTalk with the same apps (replicas of one service):
 * DingTalk counts a QPS limit per app and API, not per process, so N processes each spacing their
 * own calls would together send N× the rate. A store hands out the next free slot of a key, for all.
 */
export interface RateSlots {
  /**
   * Takes the next free slot of `key` (slots `intervalMs` apart; up to `burst` may start back to
   * back) and returns how long the caller must wait for it, in ms (≤ 0: go now).
   */
  reserve(key: string, intervalMs: number, burst: number): Promise<number>;
}

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
  /** Where the slots live when several processes share the limit; default: this process only. */
  slots?: RateSlots;
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
    const waitMs = this.options.slots ? await this.sharedWait(this.options.slots, identity, path) : this.localWait(identity, path);
    if (waitMs > 0) {
      this.onWait?.({ path, waitMs });
      await sleep(waitMs);
    }
  }

  private async sharedWait(slots: RateSlots, identity: string, path: string): Promise<number> {
    try {
      return await slots.reserve(`${identity}|${path}`, 1000 / this.qpsFor(path), this.options.burst ?? 1);
    } catch {
      // The shared store is unreachable: this process's own spacing still holds its share, and a
      // call that could be answered is not failed for want of a slot (DingTalk's 90018 is retried).
      return this.localWait(identity, path);
    }
  }

  private localWait(identity: string, path: string): number {
    const now = this.monotonicNow();
    const key = `${identity} ${path}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.qpsFor(path), this.options.burst ?? 1, now);
      this.buckets.set(key, bucket);
    }
    return bucket.reserve(now);
  }

  private qpsFor(path: string): number {
    return this.options.perPath?.[path] ?? this.options.qps ?? DEFAULT_QPS;
  }
}

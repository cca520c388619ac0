interface Bucket {
  tokens: number;
  refilledAtMs: number;
}

/**
 * Token buckets (capacity = QPS, refilled at QPS per second) on REAL wall time: QPS is about the
 * actual request rate, not the simulated clock. A bucket — not a sliding window — because
 * DingTalk's own advice is to throttle locally with a token bucket, so a client doing exactly that
 * at the same rate must not be rejected.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly wallClock: () => number = () => performance.now()) {}

  tryTake(key: string, qps: number): boolean {
    const now = this.wallClock();
    const bucket = this.buckets.get(key) ?? { tokens: qps, refilledAtMs: now };
    bucket.tokens = Math.min(qps, bucket.tokens + ((now - bucket.refilledAtMs) / 1000) * qps);
    bucket.refilledAtMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

/**
 * Token bucket with reservations (the model of Go's rate.Limiter): a request takes a token now
 * and, when the bucket is empty, goes into debt and is told how long to wait. Waiting callers
 * therefore need one timer each and no polling, and they are served in arrival order.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;
  private readonly ratePerMs: number;

  /**
   * @param ratePerSecond refill rate (requests per second), > 0
   * @param capacity burst size in requests, ≥ 1
   * @param nowMs the time the bucket starts full
   */
  constructor(
    ratePerSecond: number,
    private readonly capacity: number,
    nowMs: number,
  ) {
    if (!(ratePerSecond > 0) || !(capacity >= 1)) throw new RangeError('rate must be > 0 and capacity ≥ 1');
    this.ratePerMs = ratePerSecond / 1000;
    this.tokens = capacity;
    this.lastMs = nowMs;
  }

  /** Takes one token and returns how many milliseconds the caller must wait before using it. */
  reserve(nowMs: number): number {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(this.capacity, this.tokens + (nowMs - this.lastMs) * this.ratePerMs);
      this.lastMs = nowMs;
    }
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.ratePerMs);
  }
}

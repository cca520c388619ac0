import { RateLimiter, type RateSlots } from './rate-limiter';

/**
 * A limiter whose clock stands still (every request arrives at the same instant) and the wait it
 * gave each request that had to wait: the schedule itself, not how long this machine took.
 */
function stillLimiter(options: ConstructorParameters<typeof RateLimiter>[0]) {
  const waits: Array<{ path: string; waitMs: number }> = [];
  return {
    limiter: new RateLimiter(
      options,
      () => 1_000,
      (w) => waits.push(w),
    ),
    waits,
  };
}

describe('RateLimiter', () => {
  it('when 11 requests for one (identity, path) arrive together at 100 QPS, then they are spaced 10 ms apart and the last waits 100 ms', async () => {
    const { limiter, waits } = stillLimiter({ qps: 100 });
    await Promise.all(Array.from({ length: 11 }, () => limiter.acquire('app:a', '/p')));
    expect(waits.map((w) => Math.round(w.waitMs))).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('when identities or paths differ, then their buckets are independent', async () => {
    const { limiter, waits } = stillLimiter({ qps: 1 });
    await limiter.acquire('app:a', '/p');
    await Promise.all([limiter.acquire('app:b', '/p'), limiter.acquire('app:a', '/q')]);
    expect(waits).toEqual([]);
  });

  it('when a path has its own QPS, then it overrides the default', async () => {
    const { limiter, waits } = stillLimiter({ qps: 1, perPath: { '/fast': 200 } });
    await Promise.all(Array.from({ length: 5 }, () => limiter.acquire('app:a', '/fast')));
    expect(waits.map((w) => Math.round(w.waitMs))).toEqual([5, 10, 15, 20]);
  });

  it('when a request has to wait for its slot, then onWait is told the path and the wait', async () => {
    const { limiter, waits } = stillLimiter({ qps: 100 });
    await Promise.all(Array.from({ length: 3 }, () => limiter.acquire('app:a', '/p')));
    expect(waits.map((w) => w.path)).toEqual(['/p', '/p']);
    expect(waits.every((w) => w.waitMs > 0)).toBe(true);
  });
  describe('with shared slots (several processes, one limit)', () => {
    /** A slot store as the cloud's Postgres one computes it (next free instant per key), on a clock that stands still. */
    function fakeSlots(nowMs = 5_000): RateSlots & { calls: Array<{ key: string; intervalMs: number; burst: number }> } {
      const next = new Map<string, number>();
      const calls: Array<{ key: string; intervalMs: number; burst: number }> = [];
      return {
        calls,
        async reserve(key, intervalMs, burst) {
          calls.push({ key, intervalMs, burst });
          const slot = Math.max(next.get(key) ?? 0, nowMs - (burst - 1) * intervalMs) + intervalMs;
          next.set(key, slot);
          return slot - burst * intervalMs - nowMs;
        },
      };
    }

    it('when three limiters share the slots, then their requests for one (identity, path) are spaced as one limiter would space them', async () => {
      const slots = fakeSlots();
      const waits: number[] = [];
      const limiters = [1, 2, 3].map(
        () =>
          new RateLimiter(
            { qps: 100, slots },
            () => 1_000,
            (w) => waits.push(Math.round(w.waitMs)),
          ),
      );
      await Promise.all(limiters.flatMap((l) => [l.acquire('app:a', '/p'), l.acquire('app:a', '/p')]));
      expect(waits.sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50]);
      expect(slots.calls[0]).toEqual({ key: 'app:a|/p', intervalMs: 10, burst: 1 });
    });

    it('when a path has its own QPS, then the shared slot is asked with that interval', async () => {
      const slots = fakeSlots();
      await new RateLimiter({ qps: 1, perPath: { '/fast': 200 }, slots }).acquire('app:a', '/fast');
      expect(slots.calls).toEqual([{ key: 'app:a|/fast', intervalMs: 5, burst: 1 }]);
    });

    it('when the shared store fails, then the limiter spaces its own requests and no request fails', async () => {
      const failing: RateSlots = { reserve: async () => Promise.reject(new Error('database unreachable')) };
      const waits: number[] = [];
      const limiter = new RateLimiter(
        { qps: 100, slots: failing },
        () => 1_000,
        (w) => waits.push(Math.round(w.waitMs)),
      );
      await Promise.all(Array.from({ length: 3 }, () => limiter.acquire('app:a', '/p')));
      expect(waits).toEqual([10, 20]);
    });
  });
});

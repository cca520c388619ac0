import { RateLimiter } from './rate-limiter';

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
});

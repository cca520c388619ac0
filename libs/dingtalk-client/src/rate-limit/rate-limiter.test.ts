import { RateLimiter } from './rate-limiter';

async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

describe('RateLimiter', () => {
  it('when 11 requests for one (identity, path) arrive together at 100 QPS, then the last waits ~100 ms', async () => {
    const limiter = new RateLimiter({ qps: 100 });
    const ms = await elapsed(() => Promise.all(Array.from({ length: 11 }, () => limiter.acquire('app:a', '/p'))));
    expect(ms).toBeGreaterThanOrEqual(95);
    expect(ms).toBeLessThan(400);
  });

  it('when identities or paths differ, then their buckets are independent', async () => {
    const limiter = new RateLimiter({ qps: 1 });
    await limiter.acquire('app:a', '/p');
    const ms = await elapsed(() => Promise.all([limiter.acquire('app:b', '/p'), limiter.acquire('app:a', '/q')]));
    expect(ms).toBeLessThan(50);
  });

  it('when a path has its own QPS, then it overrides the default', async () => {
    const limiter = new RateLimiter({ qps: 1, perPath: { '/fast': 200 } });
    const ms = await elapsed(() => Promise.all(Array.from({ length: 5 }, () => limiter.acquire('app:a', '/fast'))));
    expect(ms).toBeGreaterThanOrEqual(15);
    expect(ms).toBeLessThan(200);
  });

  it('when a request has to wait for its slot, then onWait is told the path and the wait', async () => {
    const waits: Array<{ path: string; waitMs: number }> = [];
    const limiter = new RateLimiter({ qps: 100 }, undefined, (w) => waits.push(w));
    await Promise.all(Array.from({ length: 3 }, () => limiter.acquire('app:a', '/p')));
    expect(waits.map((w) => w.path)).toEqual(['/p', '/p']);
    expect(waits.every((w) => w.waitMs > 0)).toBe(true);
  });
});

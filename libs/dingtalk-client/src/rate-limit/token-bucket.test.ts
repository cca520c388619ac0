import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('when the bucket holds one token at 20/s, then back-to-back requests are spaced 50 ms apart', () => {
    const bucket = new TokenBucket(20, 1, 0);
    expect([0, 1, 2, 3].map(() => bucket.reserve(0))).toEqual([0, 50, 100, 150]);
  });

  it('when a burst capacity is configured, then that many go at once and the rest queue at the rate', () => {
    const bucket = new TokenBucket(10, 3, 1000);
    expect([1, 2, 3, 4, 5].map(() => bucket.reserve(1000))).toEqual([0, 0, 0, 100, 200]);
  });

  it('when time passes, then tokens refill at the rate and never above capacity', () => {
    const bucket = new TokenBucket(20, 2, 0);
    bucket.reserve(0);
    bucket.reserve(0);
    expect(bucket.reserve(25)).toBe(25); // half a token back after 25 ms
    expect(bucket.reserve(10_000)).toBe(0); // refilled to 2, not 200
    expect(bucket.reserve(10_000)).toBe(0);
    expect(bucket.reserve(10_000)).toBe(50);
  });

  it('when requests are queued, then the debt is paid off before a later arrival', () => {
    const bucket = new TokenBucket(20, 1, 0);
    for (let i = 0; i < 10; i += 1) bucket.reserve(0); // 10th slot at 450 ms
    expect(bucket.reserve(100)).toBe(400); // slot at 500 ms
  });

  it('when N requests arrive at once, then no 1-second window holds more than rate (+burst) of their start times', () => {
    const bucket = new TokenBucket(20, 1, 0);
    const starts = Array.from({ length: 200 }, () => bucket.reserve(0));
    for (const start of starts) {
      const inWindow = starts.filter((t) => t >= start && t < start + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(20);
    }
    expect(starts[199]).toBe(199 * 50);
  });

  it('a clock that goes backwards does not mint tokens', () => {
    const bucket = new TokenBucket(10, 1, 1000);
    bucket.reserve(1000);
    expect(bucket.reserve(500)).toBe(100);
  });

  it('rejects a non-positive rate or a capacity below one', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(5, 0.5, 0)).toThrow(RangeError);
  });
});

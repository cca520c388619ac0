import { DEFAULT_RECONNECT, reconnectDelayMs } from './reconnect-backoff';

describe('reconnect backoff', () => {
  it('when attempts grow, then the ceiling doubles up to the cap, and jitter only shortens a wait', () => {
    const ceilings = [1, 2, 3, 4, 8, 20].map((n) => reconnectDelayMs(n, DEFAULT_RECONNECT, () => 0));
    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
    expect(reconnectDelayMs(3, DEFAULT_RECONNECT, () => 1)).toBe(2000);
    for (let i = 0; i < 100; i += 1) {
      const d = reconnectDelayMs(2, DEFAULT_RECONNECT);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });
});

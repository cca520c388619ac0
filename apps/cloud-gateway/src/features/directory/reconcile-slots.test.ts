import { nextSlotMs, tenantOffsetMs } from './reconcile-slots';

const DAY = 86_400_000;
const at3 = 3 * 3600_000;

describe('reconcile slots', () => {
  it('when the interval is a day, then the next slot is the coming 03:00 China time (19:00 UTC the day before)', () => {
    const now = Date.UTC(2026, 11, 6, 12, 0); // 20:00 in China
    expect(new Date(nextSlotMs(now, DAY, at3, 0)).toISOString()).toBe('2026-12-06T19:00:00.000Z');
    const justBefore = Date.UTC(2026, 11, 6, 18, 59);
    expect(new Date(nextSlotMs(justBefore, DAY, at3, 0)).toISOString()).toBe('2026-12-06T19:00:00.000Z');
    const exactly = Date.UTC(2026, 11, 6, 19, 0);
    expect(new Date(nextSlotMs(exactly, DAY, at3, 0)).toISOString()).toBe('2026-12-07T19:00:00.000Z');
  });

  it('when the interval is shorter, then slots repeat from the anchor and the next is always within one interval', () => {
    const now = Date.UTC(2026, 11, 6, 12, 34, 56);
    for (const interval of [1000, 60_000, 6 * 3600_000]) {
      const next = nextSlotMs(now, interval, at3, 0);
      expect(next).toBeGreaterThan(now);
      expect(next - now).toBeLessThanOrEqual(interval);
    }
  });

  it('when tenants differ, then their offsets differ but stay stable and below an hour (or the interval)', () => {
    const a = tenantOffsetMs('ten_a', DAY);
    expect(tenantOffsetMs('ten_a', DAY)).toBe(a);
    expect(tenantOffsetMs('ten_b', DAY)).not.toBe(a);
    expect(a).toBeLessThan(3600_000);
    expect(tenantOffsetMs('ten_a', 2000)).toBeLessThan(2000);
  });
});

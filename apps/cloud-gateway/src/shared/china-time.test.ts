import { shanghaiDay, shanghaiMonth } from './china-time';

describe('shanghaiDay', () => {
  it('when it is 15:59 UTC, then it is still that day in China; at 16:00 UTC the next day has begun', () => {
    expect(shanghaiDay(Date.parse('2026-03-01T15:59:59.999Z'))).toBe('2026-03-01');
    expect(shanghaiDay(Date.parse('2026-03-01T16:00:00.000Z'))).toBe('2026-03-02');
  });

  it('when the year turns in China before it does in UTC, then the Chinese date is used', () => {
    expect(shanghaiDay(Date.parse('2026-12-31T20:00:00Z'))).toBe('2027-01-01');
  });
});

describe('shanghaiMonth', () => {
  it('when the month turns in China before it does in UTC, then the Chinese month is used', () => {
    expect(shanghaiMonth(Date.parse('2026-11-30T15:59:59Z'))).toBe('2026-11');
    expect(shanghaiMonth(Date.parse('2026-11-30T16:00:00Z'))).toBe('2026-12');
  });
});

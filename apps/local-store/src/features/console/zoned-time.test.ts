// The console's calendar-day arithmetic (public/zoned-time.js, plain ES module) in the org's zone.
// @ts-expect-error -- a browser ES module of the console without type declarations (a .d.ts would be served as an asset)
import { endOfDayIn } from './public/zoned-time.js';

describe('endOfDayIn', () => {
  it.each([
    ['2026-12-06', 'Asia/Shanghai', '2026-12-06T15:59:59.000Z'],
    ['2026-12-06', 'UTC', '2026-12-06T23:59:59.000Z'],
    ['2026-12-06', 'America/New_York', '2026-12-07T04:59:59.000Z'],
    // The day New York moves its clocks forward (23 hours long) and back (25 hours long).
    ['2026-03-08', 'America/New_York', '2026-03-09T03:59:59.000Z'],
    ['2026-11-01', 'America/New_York', '2026-11-02T04:59:59.000Z'],
    ['2026-06-30', 'Asia/Kolkata', '2026-06-30T18:29:59.000Z'],
  ])('when the day is %s in %s, then it ends at %s', (day, zone, expected) => {
    expect(endOfDayIn(day, zone)).toBe(expected);
  });
});

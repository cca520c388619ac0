// Calendar days in the organisation's time zone (not the browser's): a token that "expires on
// 6 Dec" expires at the end of 6 Dec where the organisation is. No DOM: unit-tested in Node.

const partsFormats = new Map();

/** zone → a formatter giving the zone's wall-clock parts (cached: building one is slow). */
function wallClock(timeZone) {
  let format = partsFormats.get(timeZone);
  if (!format) {
    const options = { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' };
    format = new Intl.DateTimeFormat('en-US', options);
    partsFormats.set(timeZone, format);
  }
  return format;
}

/** How far the zone's clock is ahead of UTC at `instant` (ms since the epoch), in ms. */
function offsetAt(timeZone, instant) {
  const parts = Object.fromEntries(
    wallClock(timeZone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, Number(part.value)]),
  );
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - instant;
}

/** 'YYYY-MM-DD' → the ISO instant of 23:59:59 that day in `timeZone`. */
export function endOfDayIn(day, timeZone) {
  const [year, month, date] = day.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, date, 23, 59, 59);
  // The offset at the wall time read as UTC is a first guess; the offset at the instant it gives is
  // exact unless the day's clock change falls in between, which a second look settles.
  const first = wall - offsetAt(timeZone, wall);
  return new Date(wall - offsetAt(timeZone, first)).toISOString();
}

// Preloaded into a service process (NODE_OPTIONS="--import <this file>") by tests that need a
// server whose wall clock is off: every Date reads CLOCK_SKEW_MS (negative: behind) away from the
// machine's clock, as on a host whose clock drifted. Timers and performance.now() are untouched:
// they measure durations, not dates.
const skewMs = Number(process.env.CLOCK_SKEW_MS ?? '0');
const RealDate = globalThis.Date;

class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + skewMs);
    else super(...args);
  }

  static now() {
    return RealDate.now() + skewMs;
  }
}

globalThis.Date = SkewedDate;

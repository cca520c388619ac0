import { DEFAULT_RETRY_SCHEDULE_MS, nextStep, parseRetryAfter, retryPolicy } from './retry-schedule';

const policy = retryPolicy();

describe('retry schedule', () => {
  it('when attempts fail, then delays follow the schedule within the jitter and end dead after the last step', () => {
    DEFAULT_RETRY_SCHEDULE_MS.forEach((base, i) => {
      expect(nextStep(policy, i + 1, undefined, () => 0)).toEqual({ kind: 'retry', delayMs: Math.round(base * 0.8) });
      expect(nextStep(policy, i + 1, undefined, () => 1)).toEqual({ kind: 'retry', delayMs: Math.round(base * 1.2) });
    });
    expect(nextStep(policy, DEFAULT_RETRY_SCHEDULE_MS.length + 1)).toEqual({ kind: 'dead' });
  });

  it('when the receiver sends Retry-After, then it is honoured within bounds', () => {
    expect(nextStep(policy, 1, 120_000)).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(nextStep(policy, 1, 0)).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(nextStep(policy, 1, 10 * 3_600_000)).toEqual({ kind: 'retry', delayMs: 3_600_000 });
    expect(parseRetryAfter('30', 0)).toBe(30_000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

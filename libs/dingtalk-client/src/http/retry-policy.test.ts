import { DingTalkApiError, DingTalkTransportError } from '../errors/dingtalk-errors';
import { backoffMs, decideRetry, DEFAULT_RETRY, type AttemptState } from './retry-policy';

const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000, throttledDelayMs: 1000, jitter: 0 };
const apiError = (init: Partial<ConstructorParameters<typeof DingTalkApiError>[0]>) => new DingTalkApiError({ method: 'POST', path: '/p', ...init });
const transportError = (mayHaveReachedServer: boolean) =>
  new DingTalkTransportError({ method: 'POST', path: '/p', reason: mayHaveReachedServer ? 'timeout' : 'connection', mayHaveReachedServer });

const read: AttemptState = { attempt: 1, idempotent: true, canRefreshToken: true };
const send: AttemptState = { attempt: 1, idempotent: false, canRefreshToken: true };

describe('decideRetry', () => {
  it.each([
    ['read, system busy -1', read, apiError({ errcode: -1 }), { action: 'retry', delayMs: 100 }],
    ['read, HTTP 503', read, apiError({ httpStatus: 503 }), { action: 'retry', delayMs: 100 }],
    ['read, 429 system.busy', read, apiError({ httpStatus: 429, code: 'system.busy' }), { action: 'retry', delayMs: 100 }],
    ['read, timeout', read, transportError(true), { action: 'retry', delayMs: 100 }],
    ['read, 88/90018 waits at least 1 s', read, apiError({ errcode: 88, subCode: '90018' }), { action: 'retry', delayMs: 1000 }],
    ['read, token invalid', read, apiError({ errcode: 88, subCode: '40014' }), { action: 'refresh-token' }],
    ['read, not found', read, apiError({ errcode: 60121 }), { action: 'fail' }],
    ['read, monthly quota', read, apiError({ errcode: 90020 }), { action: 'fail' }],
    ['read, bad config', read, apiError({ httpStatus: 400, code: 'invalidClientIdOrSecret' }), { action: 'fail' }],
    ['send, 90018 (DingTalk did not accept it)', send, apiError({ errcode: 90018 }), { action: 'retry', delayMs: 1000 }],
    ['send, QpsLimit', send, apiError({ httpStatus: 403, code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi' }), { action: 'retry', delayMs: 1000 }],
    ['send, token invalid before acceptance', send, apiError({ errcode: 42001 }), { action: 'refresh-token' }],
    ['send, connection refused (never sent)', send, transportError(false), { action: 'retry', delayMs: 100 }],
    ['send, timeout after sending', send, transportError(true), { action: 'fail' }],
    ['send, HTTP 500', send, apiError({ httpStatus: 500 }), { action: 'fail' }],
    ['send, system busy', send, apiError({ errcode: -1 }), { action: 'fail' }],
    ['any, a non-DingTalk error', read, new Error('bug'), { action: 'fail' }],
  ])('%s', (_name, state, err, expected) => {
    expect(decideRetry(err, state, options, () => 0.5)).toEqual(expected);
  });

  it('when the token was already refreshed once, then a second token-invalid answer fails', () => {
    expect(decideRetry(apiError({ errcode: 40014 }), { ...read, canRefreshToken: false }, options)).toEqual({ action: 'fail' });
  });

  it('when attempts are exhausted, then it fails even for retryable errors', () => {
    expect(decideRetry(apiError({ errcode: -1 }), { ...read, attempt: options.maxAttempts }, options)).toEqual({ action: 'fail' });
    expect(decideRetry(apiError({ errcode: 90018 }), { ...send, attempt: options.maxAttempts }, options)).toEqual({ action: 'fail' });
  });
});

describe('backoffMs', () => {
  it('doubles per attempt and stops at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, options))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('randomises the jitter share of the delay and stays within bounds', () => {
    const jittered = { ...options, jitter: 0.5 };
    expect(backoffMs(3, jittered, () => 0)).toBe(200);
    expect(backoffMs(3, jittered, () => 0.999999)).toBe(400);
    for (let i = 0; i < 100; i += 1) {
      const delay = backoffMs(2, jittered);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(200);
    }
  });
});

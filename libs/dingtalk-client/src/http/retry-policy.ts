import { DingTalkApiError, DingTalkTransportError } from '../errors/dingtalk-errors';

export interface RetryOptions {
  /** Attempts per call, the first one included (token refreshes not counted). Default 3; 1 disables retries. */
  maxAttempts?: number;
  /** Backoff before the 2nd attempt, in ms; doubles per attempt. Default 500. */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay, in ms. Default 8000. */
  maxDelayMs?: number;
  /** Minimum wait after a throttling answer, in ms. Default 1000 (DingTalk's QPS window is one second). */
  throttledDelayMs?: number;
  /** Share of each delay that is randomised, 0..1, so many clients do not retry in lockstep. Default 0.5. */
  jitter?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  throttledDelayMs: 1000,
  jitter: 0.5,
};

export interface AttemptState {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /**
   * Reads and other calls without side effects may be repeated freely. Sends, recalls and code
   * exchanges may not: repeating one that DingTalk already executed would duplicate or fail it.
   */
  idempotent: boolean;
  /** Whether the token can be refreshed (false for caller-supplied tokens) and was not refreshed yet. */
  canRefreshToken: boolean;
}

export type RetryDecision = { action: 'fail' } | { action: 'refresh-token' } | { action: 'retry'; delayMs: number };

/**
 * Retry rules. Any call is retried when DingTalk provably did not act on it: a throttling answer
 * (90018, QpsLimit…), a token-invalid answer (after one refresh), or a connection that never
 * opened. Only idempotent calls are also retried after busy/5xx answers or timeouts/resets,
 * because then DingTalk may already have executed the request.
 */
export function decideRetry(err: unknown, state: AttemptState, options: Required<RetryOptions>, random: () => number = Math.random): RetryDecision {
  if (err instanceof DingTalkApiError && err.kind === 'refresh-token') {
    return state.canRefreshToken ? { action: 'refresh-token' } : { action: 'fail' };
  }
  if (state.attempt >= options.maxAttempts) return { action: 'fail' };
  const delayMs = backoffMs(state.attempt, options, random);
  if (err instanceof DingTalkApiError) {
    if (err.kind === 'throttled') return { action: 'retry', delayMs: Math.max(options.throttledDelayMs, delayMs) };
    if (err.kind === 'retry-backoff' && state.idempotent) return { action: 'retry', delayMs };
    return { action: 'fail' };
  }
  if (err instanceof DingTalkTransportError && (state.idempotent || !err.mayHaveReachedServer)) {
    return { action: 'retry', delayMs };
  }
  return { action: 'fail' };
}

/** Exponential backoff: base·2^(attempt−1), capped, with the `jitter` share drawn at random. */
export function backoffMs(attempt: number, options: Required<RetryOptions>, random: () => number = Math.random): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (1 - options.jitter + options.jitter * random()));
}

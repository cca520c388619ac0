export interface ReconnectOptions {
  /** Wait before the first reconnect, ms. Default 1000. */
  initialDelayMs?: number;
  /** Cap of one wait, ms. Default 60 000. */
  maxDelayMs?: number;
  /** Share of each wait drawn at random (0..1), so many connections do not return in lockstep. Default 0.5. */
  jitter?: number;
}

export const DEFAULT_RECONNECT: Required<ReconnectOptions> = { initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0.5 };

/** Exponential backoff with jitter: attempt 1 waits up to initialDelayMs, each further one up to twice as long, capped. */
export function reconnectDelayMs(attempt: number, options: Required<ReconnectOptions>, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (1 - options.jitter * random()));
}

import type { TransportFailure } from '../errors/dingtalk-errors';

/** Errors raised before a connection exists: the request cannot have reached DingTalk. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
]);

/** Socket and DNS codes (`ECONNRESET`, `UND_ERR_SOCKET`): short constants, safe to keep and log. */
const NETWORK_CODE = /^(E[A-Z_]{2,30}|UND_ERR_[A-Z_]{1,30})$/;

export interface TransportFailureInfo {
  reason: TransportFailure;
  mayHaveReachedServer: boolean;
  /** The first socket/DNS error code found (`ECONNRESET`, …); never anything from the request. */
  networkCode?: string;
}

/**
 * Reads an axios or fetch failure. Deadline expiries and resets count as "may have reached the
 * server": a timeout cannot tell whether the request was written, and guessing wrong for a send
 * would deliver a notification twice.
 */
export function describeTransportFailure(err: unknown, deadline: AbortSignal): TransportFailureInfo {
  if (deadline.aborted) return { reason: 'timeout', mayHaveReachedServer: true };
  const codes = errorCodes(err);
  const networkCode = codes.find((code) => NETWORK_CODE.test(code));
  const withCode = networkCode ? { networkCode } : {};
  if (codes.some((code) => NOT_SENT_CODES.has(code))) return { reason: 'connection', mayHaveReachedServer: false, ...withCode };
  if (codes.includes('ERR_CANCELED') || isAbortError(err)) return { reason: 'aborted', mayHaveReachedServer: true };
  return { reason: 'connection', mayHaveReachedServer: true, ...withCode };
}

/**
 * Error codes along the `cause` chain (fetch wraps the socket error in a TypeError) and inside
 * AggregateErrors (Node's happy-eyeballs connect reports one error per address tried).
 */
function errorCodes(err: unknown, depth = 0): string[] {
  if (depth > 5 || typeof err !== 'object' || err === null) return [];
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const nested = Array.isArray(errors) ? errors.flatMap((inner) => errorCodes(inner, depth + 1)) : [];
  return [...(typeof code === 'string' ? [code] : []), ...nested, ...errorCodes(cause, depth + 1)];
}

function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

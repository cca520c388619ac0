// What a failed DingTalk call means for a work notification: `unknown` (it may have been executed —
// never repeat it), `retry` (definitely not executed and likely to pass later) or `fail` (definitely
// not executed and will not pass: configuration, permissions, bad request).
import { DingTalkApiError, DingTalkTransportError, SuiteTicketUnavailableError, type ErrorKind } from '@dtg/dingtalk-client';
import { AppError } from '@dtg/service-kit';
import { z } from 'zod';

export interface CallFailure {
  kind: 'unknown' | 'retry' | 'fail';
  /** Short, token-free: DingTalk's code (`90018`, `http_502`) or the transport failure (`timeout`). */
  reason: string;
}

const PASSES_LATER = new Set<ErrorKind>(['throttled', 'retry-backoff', 'refresh-token', 'refresh-suite-ticket', 'banned']);

function code(err: DingTalkApiError): string {
  return err.subCode ?? (err.errcode !== undefined ? String(err.errcode) : undefined) ?? err.code ?? `http_${err.httpStatus ?? 'error'}`;
}

/** Classifies an error thrown by the DingTalk client; anything else (a bug, the database) is rethrown. */
export function classifyCallFailure(err: unknown): CallFailure {
  if (err instanceof DingTalkApiError) {
    const reason = err.httpStatus !== undefined && err.httpStatus >= 500 ? `http_${err.httpStatus}` : code(err);
    if (err.outcome === 'unknown') return { kind: 'unknown', reason };
    return { kind: PASSES_LATER.has(err.kind) ? 'retry' : 'fail', reason };
  }
  if (err instanceof DingTalkTransportError) return { kind: err.outcome === 'unknown' ? 'unknown' : 'retry', reason: err.reason };
  if (err instanceof SuiteTicketUnavailableError) return { kind: 'retry', reason: 'suite_ticket_unavailable' };
  // The client validates a request before any I/O: nothing left.
  if (err instanceof z.ZodError) return { kind: 'fail', reason: 'invalid_request' };
  if (err instanceof AppError && err.code === 'unavailable') return { kind: 'fail', reason: 'credentials_unavailable' };
  throw err;
}

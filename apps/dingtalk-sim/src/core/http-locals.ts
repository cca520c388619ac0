import type { Response } from 'express';
import type { RequestLogEntry } from './request-log';

/** The request body as `bodyReader` parsed it (or why it could not). */
export type ParsedBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string> }
  /** Not read: a multipart upload streams straight from the request into its route. */
  | { kind: 'multipart' }
  | { kind: 'invalid'; problem: 'malformed' | 'content_type' | 'too_large'; text: string };

/** Per-request state the simulator's middleware chain shares (kept off `req`, which Express owns). */
export interface SimLocals {
  body: ParsedBody;
  logEntry?: RequestLogEntry;
  /** Timeout and reset faults: run the handler (its effect happens) but never answer. */
  swallow?: boolean;
  /** Reset fault: where the answer would go, the connection is reset instead. */
  resetInsteadOfAnswer?: boolean;
  /** invalidate-token fault: revoke whichever token this request authenticates with. */
  revokeUsedToken?: boolean;
}

export function locals(res: Response): SimLocals {
  const store = res.locals as { sim?: SimLocals };
  store.sim ??= { body: { kind: 'none' } };
  return store.sim;
}

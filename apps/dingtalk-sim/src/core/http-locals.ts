import type { Response } from 'express';
import type { ParsedBody } from './body-reader';
import type { RequestLogEntry } from './request-log';

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

// What callers most often need to know about a failed call, without re-deriving it from kinds:
// "no such person/department" and "busy or unreachable, worth retrying later".
import { DingTalkApiError, DingTalkTransportError, SuiteTicketUnavailableError } from './dingtalk-errors';
import type { ErrorKind } from './error-classification';

const BUSY_KINDS = new Set<ErrorKind>(['throttled', 'retry-backoff', 'refresh-token', 'refresh-suite-ticket']);

/** DingTalk answered that the person or department does not exist. */
export function isDingTalkNotFound(err: unknown): boolean {
  return err instanceof DingTalkApiError && err.kind === 'not-found';
}

/** DingTalk is busy or unreachable (or the suite ticket has not come yet): worth retrying later. */
export function isDingTalkBusy(err: unknown): boolean {
  return err instanceof DingTalkTransportError || err instanceof SuiteTicketUnavailableError || (err instanceof DingTalkApiError && BUSY_KINDS.has(err.kind));
}

// How a failed DingTalk read surfaces on our API: "no such person" is a 404, DingTalk being busy
// or unreachable a 503 (retry later), anything else a 502 — never a 500 that hides whose fault it was.
import { DingTalkApiError, DingTalkTransportError, SuiteTicketUnavailableError } from '@dtg/dingtalk-client';
import { AppError, notFound } from '@dtg/service-kit';

const BUSY_KINDS = new Set(['throttled', 'retry-backoff', 'refresh-token', 'refresh-suite-ticket']);

export function isNotFound(err: unknown): boolean {
  return err instanceof DingTalkApiError && err.kind === 'not-found';
}

/** DingTalk is busy or unreachable (or the suite ticket has not come yet): worth retrying later. */
export function isBusy(err: unknown): boolean {
  return err instanceof DingTalkTransportError || err instanceof SuiteTicketUnavailableError || (err instanceof DingTalkApiError && BUSY_KINDS.has(err.kind));
}

export function toApiError(err: unknown, what: string): unknown {
  if (isNotFound(err)) return notFound(`${what} was not found in this organisation`);
  if (isBusy(err)) {
    return new AppError('unavailable', 'DingTalk is busy or unreachable; retry later', { cause: err });
  }
  if (err instanceof DingTalkApiError) return new AppError('upstream_error', `DingTalk refused the lookup (${err.kind})`, { cause: err });
  return err;
}

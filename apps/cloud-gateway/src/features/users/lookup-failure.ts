// How a failed DingTalk read surfaces on our API: "no such person" is a 404, DingTalk being busy
// or unreachable a 503 (retry later), a refusal caused by the app's DingTalk setup a 502
// dingtalk_setup saying what to fix and where, anything else a 502 — never a 500 that hides whose fault it was.
import { DingTalkApiError, diagnoseSetup, isDingTalkBusy, isDingTalkNotFound } from '@dtg/dingtalk-client';
import { AppError, notFound } from '@dtg/service-kit';

export function toApiError(err: unknown, what: string): unknown {
  if (isDingTalkNotFound(err)) return notFound(`${what} was not found in this organisation`);
  if (isDingTalkBusy(err)) {
    return new AppError('unavailable', 'DingTalk is busy or unreachable; retry later', { cause: err });
  }
  const setup = diagnoseSetup(err);
  if (setup) return new AppError('dingtalk_setup', `DingTalk refused the lookup of ${what} (${setup.problem}): ${setup.fix}`, { cause: err, dingtalk: setup });
  if (err instanceof DingTalkApiError) return new AppError('upstream_error', `DingTalk refused the lookup (${err.kind})`, { cause: err });
  return err;
}

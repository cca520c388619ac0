// What the app behind returnTo is told when a login fails after its state was accepted:
// a short stable code in `error=`; the details stay in our log.
import OAuth2Strategy from 'passport-oauth2';
import { DingTalkApiError, isDingTalkBusy } from '@dtg/dingtalk-client';
import type { Logger } from '@dtg/service-kit';
import { LoginRefusedError } from './login.service';
import { pageText, type PageTextKey } from '../../shared/page-text';
import type { StateRefusal } from './passport-state-store';

export type LoginErrorCode = 'access_denied' | 'not_in_org' | 'tenant_suspended' | 'invalid_code' | 'dingtalk_unavailable' | 'server_error';

export function loginErrorCode(thrown: unknown, logger: Logger): LoginErrorCode {
  // passport-oauth2 wraps token-exchange failures; the DingTalk error is inside.
  const err = thrown instanceof OAuth2Strategy.InternalOAuthError ? (thrown.oauthError as unknown) : thrown;
  if (err instanceof LoginRefusedError) {
    logger.info('login refused', { reason: err.code, detail: err.message });
    return err.code;
  }
  logger.warn('login failed after its state was accepted', { err });
  if (err instanceof DingTalkApiError && err.kind === 'fail-invalid-code') return 'invalid_code';
  if (isDingTalkBusy(err)) return 'dingtalk_unavailable';
  return 'server_error';
}

type Refusal = StateRefusal['reason'] | 'missing_code';
const REFUSALS: readonly Refusal[] = ['unknown', 'other_browser', 'used', 'expired', 'missing_code'];

/** The problem's detail (English, as the API speaks) for a refused callback. */
export function refusalDetail(reason: Refusal | undefined): string {
  return pageText('en', `refusal.${reason ?? 'unknown'}`);
}

/** The refusal a detail was made from, so the error page can say it in the reader's language. */
export function refusalKey(detail: string): PageTextKey | undefined {
  const reason = REFUSALS.find((candidate) => refusalDetail(candidate) === detail);
  return reason === undefined ? undefined : `refusal.${reason}`;
}

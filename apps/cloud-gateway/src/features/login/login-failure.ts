// What the app behind returnTo is told when a login fails after its state was accepted:
// a short stable code in `error=`; the details stay in our log.
import OAuth2Strategy from 'passport-oauth2';
import { DingTalkApiError, isDingTalkBusy } from '@dtg/dingtalk-client';
import type { Logger } from '@dtg/service-kit';
import { LoginRefusedError } from './login.service';
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

const REFUSALS: Record<StateRefusal['reason'] | 'missing_code', string> = {
  unknown: 'This sign-in response is not one we started (unknown or forged state).',
  other_browser: 'This sign-in was started in another browser (or this browser did not keep its sign-in cookie), so it cannot finish here.',
  used: 'This sign-in response was already used; a sign-in link works only once.',
  expired: 'This sign-in took too long (more than 10 minutes) and has expired.',
  missing_code: 'The sign-in response carries no authorization code.',
};

export function refusalDetail(reason: StateRefusal['reason'] | 'missing_code' | undefined): string {
  return REFUSALS[reason ?? 'unknown'];
}

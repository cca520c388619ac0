// Builds the DingTalk strategy for one login request, with that request's tenant's OAuth client
// (AppKey or SuiteKey, and its secret). On the callback the tenant is the one the state was issued
// for: it is looked up (not spent) first, so the strategy is built with the real client; the state
// store then spends the state and `attempt` carries what it was bound to on to the later steps.
import type { ClientSecretPair } from '@dtg/dingtalk-client';
import type { CloudConfig } from '../../config';
import type { DingTalk } from '../dingtalk/org-clients';
import { DingTalkStrategy } from './dingtalk.strategy';
import type { LoginService, LoginStart } from './login.service';
import type { BoundState } from './oauth-states.repository';
import { PassportStateStore } from './passport-state-store';

/** What one callback request learns as it goes: the spent state. */
export interface LoginAttempt {
  state?: BoundState;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function loginStrategies(deps: {
  config: Pick<CloudConfig, 'PUBLIC_URL' | 'DINGTALK_LOGIN_URL' | 'DINGTALK_API_URL'>;
  dingtalk: DingTalk;
  login: LoginService;
}) {
  const { config, dingtalk, login } = deps;
  const urls = {
    authorizationURL: `${trimSlash(config.DINGTALK_LOGIN_URL)}/oauth2/auth`,
    tokenURL: `${trimSlash(config.DINGTALK_API_URL)}/v1.0/oauth2/userAccessToken`,
    callbackURL: `${trimSlash(config.PUBLIC_URL)}/auth/dingtalk/callback`,
  };

  function build(client: ClientSecretPair, attempt: LoginAttempt, start?: LoginStart): DingTalkStrategy {
    const spent = (): BoundState => {
      if (!attempt.state) throw new Error('the login state was not verified before use');
      return attempt.state;
    };
    return new DingTalkStrategy({
      ...urls,
      client,
      scope: start?.scope ?? 'openid',
      ...(start?.corpId ? { corpId: start.corpId } : {}),
      store: new PassportStateStore(login.states, {
        ...(start ? { bind: { tenantId: start.tenantId, returnTo: start.returnTo, nonceHash: start.nonceHash, binding: start.binding } } : {}),
        onConsumed: (state) => {
          attempt.state = state;
        },
      }),
      oauth: dingtalk.client.oauth,
      verify: (me) => login.signIn(spent().tenantId, me, spent().binding),
    });
  }

  return {
    /** Redirects to DingTalk with a new state bound to `start`'s tenant and returnTo. */
    forAuthorize: (start: LoginStart) => build(start.client, {}, start),
    /** The strategy for the tenant `state` was issued for; undefined when it is not a state we issued. */
    async forCallback(attempt: LoginAttempt, state: string | undefined): Promise<DingTalkStrategy | undefined> {
      const client = state === undefined ? undefined : await login.callbackClient(state);
      return client && build(client, attempt);
    },
  };
}

export type LoginStrategies = ReturnType<typeof loginStrategies>;

// Builds the DingTalk strategy for one login request. Per request because the OAuth client
// (AppKey or SuiteKey) is the tenant's, and on the callback the tenant is only known once the
// state has been spent — `attempt` carries it from the state store to the later steps.
import type { CloudConfig } from '../../config';
import type { DingTalk } from '../dingtalk/org-clients';
import type { TenantsService } from '../tenants/tenants.service';
import { DingTalkStrategy } from './dingtalk.strategy';
import type { LoginService, LoginStart } from './login.service';
import type { BoundState } from './oauth-states.repository';
import { PassportStateStore } from './passport-state-store';

/** What one callback request learns as it goes: the spent state, then the OAuth client. */
export interface LoginAttempt {
  state?: BoundState;
  clientId?: string;
}

// passport-oauth2 requires a client id up front; on the callback the real one comes from the state.
const CLIENT_FROM_STATE = 'resolved-from-state';

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function loginStrategies(deps: {
  config: Pick<CloudConfig, 'PUBLIC_URL' | 'DINGTALK_LOGIN_URL' | 'DINGTALK_API_URL'>;
  dingtalk: DingTalk;
  tenants: TenantsService;
  login: LoginService;
}) {
  const { config, dingtalk, tenants, login } = deps;
  const urls = {
    authorizationURL: `${trimSlash(config.DINGTALK_LOGIN_URL)}/oauth2/auth`,
    tokenURL: `${trimSlash(config.DINGTALK_API_URL)}/v1.0/oauth2/userAccessToken`,
    callbackURL: `${trimSlash(config.PUBLIC_URL)}/auth/dingtalk/callback`,
  };

  function build(attempt: LoginAttempt, start?: LoginStart): DingTalkStrategy {
    const spent = (): BoundState => {
      if (!attempt.state) throw new Error('the login state was not verified before use');
      return attempt.state;
    };
    return new DingTalkStrategy({
      ...urls,
      clientID: start?.clientId ?? CLIENT_FROM_STATE,
      scope: start?.scope ?? 'openid',
      ...(start?.corpId ? { corpId: start.corpId } : {}),
      store: new PassportStateStore(login.states, {
        ...(start ? { bind: { tenantId: start.tenantId, returnTo: start.returnTo, nonceHash: start.nonceHash, binding: start.binding } } : {}),
        onConsumed: (state) => {
          attempt.state = state;
        },
      }),
      async exchangeCode(code) {
        const client = await dingtalk.oauthClient(await tenants.get(spent().tenantId));
        attempt.clientId = client.clientId;
        return dingtalk.client.oauth.exchangeCode({ ...client, code });
      },
      currentUser: (accessToken) => dingtalk.client.oauth.currentUser(accessToken, attempt.clientId ?? CLIENT_FROM_STATE),
      verify: (me) => login.signIn(spent().tenantId, me, spent().binding),
    });
  }

  return {
    /** Redirects to DingTalk with a new state bound to `start`'s tenant and returnTo. */
    forAuthorize: (start: LoginStart) => build({}, start),
    forCallback: (attempt: LoginAttempt) => build(attempt),
  };
}

export type LoginStrategies = ReturnType<typeof loginStrategies>;

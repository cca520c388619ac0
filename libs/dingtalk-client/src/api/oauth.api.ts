import { buildQuery } from '../http/url';
import { tokenKeys } from '../client/credentials';
import type { ApiCaller } from '../http/api-caller';
import { UserProfileSchema, type UserProfile } from './oauth.schemas';
import { UserAccessTokenSchema, type UserAccessToken } from './token.schemas';

export interface AuthorizeUrlOptions {
  /** AppKey (internal app) or SuiteKey (ISV). */
  clientId: string;
  redirectUri: string;
  state: string;
  /** `openid`, or `openid corpid` to make the user pick an org (the token then carries corpId). Default `openid`. */
  scope?: 'openid' | 'openid corpid';
  /** Pre-selects an org; only meaningful with scope `openid corpid`. */
  corpId?: string;
}

export interface ClientSecretPair {
  clientId: string;
  clientSecret: string;
}

/** New-style OAuth2 login: authorize URL, code/refresh-token exchange, current user. */
export class OAuthApi {
  constructor(
    private readonly caller: ApiCaller,
    private readonly loginBaseUrl: string,
  ) {}

  /** `https://login.dingtalk.com/oauth2/auth?...` with `response_type=code` and `prompt=consent`. */
  authorizeUrl({ clientId, redirectUri, state, scope = 'openid', corpId }: AuthorizeUrlOptions): string {
    if (corpId !== undefined && scope !== 'openid corpid') throw new RangeError('corpId requires scope "openid corpid"');
    const query = buildQuery({ redirect_uri: redirectUri, response_type: 'code', client_id: clientId, scope, state, prompt: 'consent', corpId });
    return `${this.loginBaseUrl.replace(/\/+$/, '')}/oauth2/auth${query}`;
  }

  /** Exchanges a login `authCode`. Codes are single use, so this is never blindly retried. */
  exchangeCode({ clientId, clientSecret, code }: ClientSecretPair & { code: string }): Promise<UserAccessToken> {
    return this.userAccessToken(clientId, { clientId, clientSecret, grantType: 'authorization_code', code });
  }

  /** Refreshes a user token (refresh tokens last 30 days). Not retried: rotation behaviour is undocumented. */
  refreshUserToken({ clientId, clientSecret, refreshToken }: ClientSecretPair & { refreshToken: string }): Promise<UserAccessToken> {
    return this.userAccessToken(clientId, { clientId, clientSecret, grantType: 'refresh_token', refreshToken });
  }

  /** One POST to userAccessToken (a code or a refresh token, by `grantType`); never retried blindly. */
  private userAccessToken(clientId: string, body: Record<string, string>): Promise<UserAccessToken> {
    return this.caller.call({
      host: 'api',
      method: 'POST',
      path: '/v1.0/oauth2/userAccessToken',
      idempotent: false,
      rateKey: tokenKeys.app(clientId),
      body,
      schema: UserAccessTokenSchema,
    });
  }

  /**
   * `GET /v1.0/contact/users/me` with the user's token. `clientId` only selects the rate-limit
   * bucket (DingTalk counts these calls against the app that issued the user token).
   */
  currentUser(userAccessToken: string, clientId: string): Promise<UserProfile> {
    return this.caller.call({
      host: 'api',
      method: 'GET',
      path: '/v1.0/contact/users/me',
      idempotent: true,
      rateKey: tokenKeys.app(clientId),
      auth: userAccessToken,
      schema: UserProfileSchema,
    });
  }
}

// Passport strategy for DingTalk's new-style login. passport-oauth2 drives the flow (authorize
// redirect, state store, code → token → profile → verify) through its extension points; DingTalk
// differs from plain OAuth2 in three places, handled here:
// - the callback names the code `authCode` (some docs and integrations `code`) and denials come
//   back as `error` + `state`, whose state must still be checked and spent (authenticate);
// - the token exchange is a JSON POST to /v1.0/oauth2/userAccessToken (not a form), and the profile
//   is read with the `x-acs-dingtalk-access-token` header: both go through @dtg/dingtalk-client
//   (DingTalkTokenClient below, userProfile);
// - the authorize URL needs `prompt=consent` (and `corpId` for suites) (authorizationParams).
// One strategy per login request, built with that request's tenant's OAuth client (login-strategies.ts).
import type { Request } from 'express';
import type { StrategyCreated } from 'passport';
import OAuth2Strategy from 'passport-oauth2';
// The OAuth2 client passport-oauth2 is built on (its own dependency): subclassed, not patched.
import { OAuth2, type oauth2tokenCallback as OAuth2TokenCallback } from 'oauth';
import type { ClientSecretPair, OAuthApi, UserProfile as DingTalkMe } from '@dtg/dingtalk-client';
import type { PassportStateStore, StateRefusal } from './passport-state-store';

export interface DingTalkStrategyOptions {
  authorizationURL: string;
  tokenURL: string;
  callbackURL: string;
  /** The tenant's OAuth client: its AppKey (a suite's SuiteKey) and the matching secret. */
  client: ClientSecretPair;
  scope: 'openid' | 'openid corpid';
  /** Pre-selects the org on DingTalk's page (suites, scope `openid corpid`). */
  corpId?: string;
  store: PassportStateStore;
  oauth: Pick<OAuthApi, 'exchangeCode' | 'currentUser'>;
  /** Turns the DingTalk identity into our login result (the passport "user"). */
  verify(me: DingTalkMe): Promise<Express.User>;
}

/** `phase: 'callback'` makes a request without a code a failure instead of a fresh redirect. */
export interface DingTalkAuthenticateOptions {
  session: false;
  phase: 'authorize' | 'callback';
}

/** What passport's `fail` carries when DingTalk reported an error (the user denied consent). */
export interface DingTalkDenial {
  denied: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

// Express 5's req.query is a read-only getter: passport gets a view of the request with the query it needs.
function withQuery(req: Request, query: Record<string, string>): Request {
  return Object.create(req, { query: { value: query, enumerable: true } }) as Request;
}

/**
 * Where DingTalk's JSON token endpoint forces a choice. passport-oauth2 exchanges the code through
 * its OAuth2 client (`_oauth2.getOAuthAccessToken`), which POSTs a form and reads `access_token`;
 * DingTalk's endpoint takes only JSON (`clientId`, `clientSecret`, `code`, `grantType`) and answers
 * `accessToken`/`refreshToken`/`expireIn`. passport-oauth2 offers no option for the request's
 * encoding, but documents `_oauth2` as the protected member subclasses may use: so the strategy's
 * client is this subclass, whose one token exchange is @dtg/dingtalk-client's (timeouts, retries,
 * redacted logs, DingTalk's error codes), and everything else (the authorize URL) stays passport's.
 */
class DingTalkTokenClient extends OAuth2 {
  constructor(private readonly opts: Pick<DingTalkStrategyOptions, 'client' | 'oauth' | 'authorizationURL' | 'tokenURL'>) {
    super(opts.client.clientId, opts.client.clientSecret, '', opts.authorizationURL, opts.tokenURL);
  }

  // passport-oauth2 passes form parameters (grant_type, redirect_uri) DingTalk does not take: the client sends its own body.
  override getOAuthAccessToken(code: string, params: unknown, callback: OAuth2TokenCallback): void;
  override getOAuthAccessToken(code: string, callback: OAuth2TokenCallback): void;
  override getOAuthAccessToken(code: string, paramsOrCallback: unknown, maybeCallback?: OAuth2TokenCallback): void {
    const callback = maybeCallback ?? (paramsOrCallback as OAuth2TokenCallback);
    this.opts.oauth.exchangeCode({ ...this.opts.client, code }).then(
      (token) => callback(null as never, token.accessToken, token.refreshToken, token),
      (err: unknown) => callback(err as never, '', '', undefined),
    );
  }
}

export class DingTalkStrategy extends OAuth2Strategy {
  constructor(readonly opts: DingTalkStrategyOptions) {
    super(
      {
        authorizationURL: opts.authorizationURL,
        tokenURL: opts.tokenURL,
        callbackURL: opts.callbackURL,
        clientID: opts.client.clientId,
        clientSecret: opts.client.clientSecret,
        scope: opts.scope,
        store: opts.store,
      },
      (_accessToken: string, _refreshToken: string, me: DingTalkMe, done: OAuth2Strategy.VerifyCallback) => {
        opts.verify(me).then((user) => done(null, user), done);
      },
    );
    this.name = 'dingtalk';
    this._oauth2 = new DingTalkTokenClient(opts);
  }

  override authenticate(this: StrategyCreated<this>, req: Request, options?: DingTalkAuthenticateOptions): void {
    if (options?.phase !== 'callback') return super.authenticate(withQuery(req, {}), options);
    const query = req.query as Record<string, unknown>;
    const state = text(query['state']) ?? '';
    const denied = text(query['error']);
    if (denied) {
      // Spend the state even on a denial: it proves the request came back from our own redirect.
      const meta = { authorizationURL: this.opts.authorizationURL, tokenURL: this.opts.tokenURL, clientID: this.opts.client.clientId };
      return this.opts.store.verify(req, state, meta, (err: Error | null, ok: boolean, info: StateRefusal) => {
        if (err) return this.error(err);
        this.fail(ok ? ({ denied } satisfies DingTalkDenial) : info, 400);
      });
    }
    const code = text(query['authCode']) ?? text(query['code']);
    if (!code) return this.fail({ reason: 'missing_code' }, 400);
    super.authenticate(withQuery(req, { code, state }), options);
  }

  override userProfile(accessToken: string, done: (err?: unknown, profile?: DingTalkMe) => void): void {
    this.opts.oauth.currentUser(accessToken, this.opts.client.clientId).then((me) => done(null, me), done);
  }

  override authorizationParams(): object {
    return { prompt: 'consent', ...(this.opts.corpId ? { corpId: this.opts.corpId } : {}) };
  }
}

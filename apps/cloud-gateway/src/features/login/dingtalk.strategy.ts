// Passport strategy for DingTalk's new-style login. passport-oauth2 drives the flow (authorize
// redirect, state store, code → token → profile → verify); DingTalk differs from plain OAuth2 in
// three places, handled here:
// - the callback names the code `authCode` (some docs and integrations `code`) and denials come
//   back as `error` + `state`, whose state must still be checked and spent;
// - the token exchange is a JSON POST to /v1.0/oauth2/userAccessToken (not a form), and the profile
//   is read with the `x-acs-dingtalk-access-token` header: both go through @dtg/dingtalk-client;
// - the authorize URL needs `prompt=consent` (and `corpId` for suites).
import type { Request } from 'express';
import type { StrategyCreated } from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import type { oauth2tokenCallback as OAuth2TokenCallback } from 'oauth';
import type { UserAccessToken, UserProfile as DingTalkMe } from '@dtg/dingtalk-client';
import type { PassportStateStore, StateRefusal } from './passport-state-store';

export interface DingTalkStrategyOptions {
  authorizationURL: string;
  tokenURL: string;
  callbackURL: string;
  /** The tenant's AppKey or SuiteKey; on the callback the tenant is only known once the state is spent. */
  clientID: string;
  scope: 'openid' | 'openid corpid';
  /** Pre-selects the org on DingTalk's page (suites, scope `openid corpid`). */
  corpId?: string;
  store: PassportStateStore;
  exchangeCode(code: string): Promise<UserAccessToken>;
  currentUser(accessToken: string): Promise<DingTalkMe>;
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

export class DingTalkStrategy extends OAuth2Strategy {
  constructor(readonly opts: DingTalkStrategyOptions) {
    super(
      {
        authorizationURL: opts.authorizationURL,
        tokenURL: opts.tokenURL,
        callbackURL: opts.callbackURL,
        clientID: opts.clientID,
        // The secret never travels through passport: exchangeCode opens it when needed.
        clientSecret: '',
        scope: opts.scope,
        store: opts.store,
      },
      (_accessToken: string, _refreshToken: string, me: DingTalkMe, done: OAuth2Strategy.VerifyCallback) => {
        opts.verify(me).then((user) => done(null, user), done);
      },
    );
    this.name = 'dingtalk';
    // passport-oauth2 always calls the 3-argument form; the 2-argument overload is never used.
    const exchange = (code: string, _params: unknown, callback: OAuth2TokenCallback) => {
      opts.exchangeCode(code).then(
        (token) => callback(null as never, token.accessToken, token.refreshToken, token),
        (err: unknown) => callback(err as never, '', '', undefined),
      );
    };
    this._oauth2.getOAuthAccessToken = exchange as typeof this._oauth2.getOAuthAccessToken;
  }

  override authenticate(this: StrategyCreated<this>, req: Request, options?: DingTalkAuthenticateOptions): void {
    if (options?.phase !== 'callback') return super.authenticate(withQuery(req, {}), options);
    const query = req.query as Record<string, unknown>;
    const state = text(query['state']) ?? '';
    const denied = text(query['error']);
    if (denied) {
      // Spend the state even on a denial: it proves the request came back from our own redirect.
      const meta = { authorizationURL: this.opts.authorizationURL, tokenURL: this.opts.tokenURL, clientID: this.opts.clientID };
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
    this.opts.currentUser(accessToken).then((me) => done(null, me), done);
  }

  override authorizationParams(): object {
    return { prompt: 'consent', ...(this.opts.corpId ? { corpId: this.opts.corpId } : {}) };
  }
}

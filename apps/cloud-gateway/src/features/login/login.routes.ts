// Browser-facing login: GET /auth/dingtalk starts it, DingTalk sends the browser back to
// GET /auth/dingtalk/callback, which ends at returnTo with `ticket=` (or `error=`). Nothing here
// redirects anywhere but DingTalk or an allowlisted returnTo: until the state is spent the only
// answer to a bad request is an error page.
import type { RequestHandler, Router } from 'express';
import passport from 'passport';
import { z } from 'zod';
import { AppError, input, validate, type ApiRegistry, type Logger } from '@dtg/service-kit';
import type { DingTalkAuthenticateOptions, DingTalkDenial } from './dingtalk.strategy';
import { loginErrorPages } from './login-error.page';
import { clearNonceOptions, newBrowserNonce, nonceCookieName, nonceCookieOptions } from './browser-nonce';
import { loginErrorCode, refusalDetail } from './login-failure';
import type { LoginStrategies, LoginAttempt } from './login-strategies';
import type { LoginService } from './login.service';
import type { StateRefusal } from './passport-state-store';
import { withParams } from './return-url';

const StartQuerySchema = z.object({
  tenant: z.string().min(1).max(64),
  returnTo: z.string().min(1).max(2048),
  /** The local store's browser binding: SHA-256 (hex) of a cookie it set; it comes back in the ticket's data. */
  binding: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex')
    .optional(),
});
const CallbackQuerySchema = z.object({
  authCode: z.string().max(512).optional(),
  code: z.string().max(512).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(512).optional(),
});
const htmlError = { description: 'Refused (HTML page for browsers, problem+json otherwise); never a redirect', contentType: 'text/html' };
const rateLimited = {
  ...htmlError,
  description: 'Too many sign-ins from this address (or, at the start, for this tenant): Retry-After says when to try again',
};

export function loginRoutes(
  deps: { login: LoginService; strategies: LoginStrategies; logger: Logger; rateLimit: RequestHandler; secureCookies: boolean },
  api: ApiRegistry,
): Router {
  const { login, strategies, logger, rateLimit, secureCookies } = deps;
  const router = api.router('/auth/dingtalk');
  const authenticator = new passport.Passport();

  const startHandler: RequestHandler = async (req, res, next) => {
    try {
      const { query } = input<{ query: typeof StartQuerySchema }>(res);
      const nonce = newBrowserNonce();
      const start = await login.start(query.tenant, query.returnTo, { nonceHash: nonce.hash, binding: query.binding });
      res.set('Cache-Control', 'no-store');
      res.cookie(nonce.name, nonce.value, nonceCookieOptions(secureCookies));
      const options: DingTalkAuthenticateOptions = { session: false, phase: 'authorize' };
      authenticator.authenticate(strategies.forAuthorize(start), options)(req, res, next);
    } catch (err) {
      next(err);
    }
  };
  api.raw(
    router,
    {
      method: 'get',
      path: '/auth/dingtalk',
      summary:
        'Start “Sign in with DingTalk” for a tenant; returnTo must exactly match one of the tenant’s return URLs. Sets an httpOnly nonce cookie ' +
        'the callback checks (the login finishes only in this browser); `binding` (optional) is passed on in the ticket’s data',
      tags: ['login'],
      security: [],
      input: { query: StartQuerySchema },
      responses: {
        302: { description: 'To DingTalk’s login page (state: random, single use, 10 min, bound to this browser)' },
        400: htmlError,
        403: htmlError,
        429: rateLimited,
      },
    },
    rateLimit,
    validate({ query: StartQuerySchema }),
    startHandler,
  );

  const callbackHandler: RequestHandler = async (req, res, next) => {
    const attempt: LoginAttempt = {};
    const finish = (err: unknown, user: { ticket: string } | false, info?: StateRefusal | DingTalkDenial | { reason: 'missing_code' }) => {
      res.set('Cache-Control', 'no-store');
      const state = attempt.state;
      if (!state) return next(err ?? new AppError('bad_request', refusalDetail(info && 'reason' in info ? info.reason : undefined)));
      if (state.nonceHash) res.clearCookie(nonceCookieName(state.nonceHash), clearNonceOptions(secureCookies));
      if (err) return res.redirect(302, withParams(state.returnTo, { error: loginErrorCode(err, logger) }));
      if (!user) return res.redirect(302, withParams(state.returnTo, { error: 'access_denied' }));
      res.redirect(302, withParams(state.returnTo, { ticket: user.ticket }));
    };
    try {
      const { query } = input<{ query: typeof CallbackQuerySchema }>(res);
      // Refused in the order the strategy would: a request with no code is that, whatever its state.
      if (!query.error && !query.authCode && !query.code) return finish(null, false, { reason: 'missing_code' });
      const strategy = await strategies.forCallback(attempt, query.state || undefined);
      // No state we issued: nothing to spend, no tenant whose client could take the code.
      if (!strategy) return finish(null, false, { reason: 'unknown' });
      const options: DingTalkAuthenticateOptions = { session: false, phase: 'callback' };
      authenticator.authenticate(strategy, options, finish)(req, res, next);
    } catch (err) {
      next(err);
    }
  };
  api.raw(
    router,
    {
      method: 'get',
      path: '/auth/dingtalk/callback',
      summary: 'DingTalk’s redirect back (authCode or code, state; or error): ends at returnTo with ticket= or error=',
      tags: ['login'],
      security: [],
      input: { query: CallbackQuerySchema },
      responses: {
        302: { description: 'To returnTo with `ticket=<one-time ticket>` or `error=access_denied|not_in_org|invalid_code|dingtalk_unavailable|server_error`' },
        400: {
          ...htmlError,
          description: 'Forged, reused or expired state, a state started in another browser (no nonce cookie), or no code: nothing was created',
        },
        429: rateLimited,
      },
    },
    rateLimit,
    validate({ query: CallbackQuerySchema }),
    callbackHandler,
  );

  router.use(loginErrorPages(logger));
  return router;
}

import {
  CreateSessionRequestSchema,
  InAppConfigRequestSchema,
  InAppConfigSchema,
  InAppSessionRequestSchema,
  MeResponseSchema,
  SessionResponseSchema,
} from '@dtg/contracts';
import { clientAddress, memoryRateLimiter, rateLimit, readCookie, type ApiRegistry, type RateLimitSetting } from '@dtg/service-kit';
import { Router, type CookieOptions, type Request, type Response } from 'express';
import type { Access } from '../../http/access';
import { readSessionCookie, SESSION_COOKIE, sessionUser } from './session.middleware';
import type { CreatedSession, SessionService } from './session.service';

export interface SessionRouteSettings {
  cookieSecure: boolean;
  /** Per client address, for the two routes anyone may call that cost a write or a call to the cloud. */
  rateLimit: RateLimitSetting;
  /** The store as browsers reach it (LOCAL_PUBLIC_URL); unset: the origin of the request. */
  publicUrl?: string;
  /** DingTalk's JSAPI script (dingtalk.open.js), loaded by the console only inside the DingTalk client. */
  jsapiUrl: string;
}

export function sessionRoutes(api: ApiRegistry, access: Access, sessions: SessionService, settings: SessionRouteSettings): Router {
  const router = Router();
  const tags = ['session'];
  const cookie: CookieOptions = { httpOnly: true, sameSite: 'lax', path: '/', secure: settings.cookieSecure };
  /** Both sign-ins answer alike: the session cookie, then the person and the short-lived cloud token. */
  const signedIn = (res: Response, session: CreatedSession) => {
    res.cookie(SESSION_COOKIE, session.sessionId, { ...cookie, expires: session.expiresAt });
    res.json({ user: session.user, cloudToken: session.cloudToken, cloudTokenExpiresAt: session.cloudTokenExpiresAt });
  };
  // Every unknown ticket is a lookup at the cloud: without a limit, anyone could make the store ask it endlessly.
  const limited = rateLimit([{ limiter: memoryRateLimiter(settings.rateLimit), key: clientAddress, scope: 'from your address' }]);

  // Where the cloud sends the browser back: this store's page. The cloud accepts it only when it is
  // one of the tenant's registered return URLs, so a forged Host header gets no further than a 400 there.
  const returnTo = (req: Request) => `${settings.publicUrl ?? `${req.protocol}://${req.get('host') ?? ''}`}/`;

  api.add(
    router,
    {
      ...access.public,
      method: 'get',
      path: '/auth/login',
      summary:
        'Start “Sign in with DingTalk”: binds the login to this browser (an httpOnly cookie whose SHA-256 the cloud keeps with it) and redirects to the cloud; ' +
        'the cloud sends the browser back to `/?ticket=…`, which POST /api/session redeems for this browser only.',
      tags,
      responses: { 302: { description: 'To the cloud’s GET /auth/dingtalk (tenant, returnTo, binding).' } },
    },
    async (_input, req, res) => {
      const begun = sessions.beginLogin(returnTo(req));
      res.set('Cache-Control', 'no-store');
      res.cookie(begun.cookie.name, begun.cookie.value, begun.cookie.options);
      res.redirect(302, begun.location);
    },
  );

  api.add(
    router,
    {
      ...access.public,
      before: [limited],
      method: 'post',
      path: '/api/session',
      summary:
        'Redeem a one-time login ticket for a session cookie (dtg_session) and a short-lived cloud token — only in the browser that started the login at GET /auth/login.',
      tags,
      input: { body: CreateSessionRequestSchema },
      responses: {
        200: { description: 'Signed in; the cookie is set.', schema: SessionResponseSchema },
        400: { description: 'Bad body.' },
        401: { description: 'The ticket is unknown, expired or already used.' },
        403: { description: 'The login was started in another browser (its binding cookie is missing here), or not at this store.' },
        429: { description: 'Too many attempts from this address: Retry-After says when to try again.' },
        502: { description: 'The ticket was not pushed yet and the cloud could not be asked.' },
      },
    },
    async ({ body }, req, res) => {
      const session = await sessions.create(body.ticket, (name) => readCookie(req, name));
      res.clearCookie(session.clearCookie.name, session.clearCookie.options);
      signedIn(res, session);
    },
  );

  api.add(
    router,
    {
      ...access.public,
      before: [limited],
      method: 'post',
      path: '/api/session/in-app',
      summary:
        'Sign in inside the DingTalk client without a click (免登): the auth code from dd.runtime.permission.requestAuthCode, exchanged by the cloud for a ' +
        'login ticket that this store redeems at once. Answers like POST /api/session.',
      tags,
      input: { body: InAppSessionRequestSchema },
      responses: {
        200: { description: 'Signed in; the cookie is set.', schema: SessionResponseSchema },
        400: { description: 'Bad body.' },
        401: { description: 'DingTalk does not know the code (unknown, expired or already used), or the person is no longer active.' },
        403: { description: 'The person is not a member of the organisation.' },
        429: { description: 'Too many attempts from this address.' },
        502: { description: 'The cloud or DingTalk could not be asked.' },
      },
    },
    async ({ body }, _req, res) => {
      signedIn(res, await sessions.createInApp(body.authCode));
    },
  );

  api.add(
    router,
    {
      ...access.public,
      before: [limited],
      method: 'post',
      path: '/api/session/in-app/config',
      summary:
        'For a page of this store opened inside DingTalk: the JSAPI script URL, the corpId for requestAuthCode and the dd.config signature for the page URL (signed by the cloud).',
      tags,
      input: { body: InAppConfigRequestSchema },
      responses: {
        200: { description: 'dd.config’s arguments.', schema: InAppConfigSchema },
        400: { description: 'Bad URL, or not on an origin registered for the tenant.' },
        429: { description: 'Too many attempts from this address.' },
        502: { description: 'The cloud could not be asked.' },
      },
    },
    async ({ body }, _req, res) => {
      res.set('Cache-Control', 'no-store').json({ jsapiUrl: settings.jsapiUrl, ...(await sessions.inAppConfig(body.url)) });
    },
  );

  api.add(
    router,
    {
      ...access.session,
      method: 'get',
      path: '/api/me',
      summary: 'The signed-in user.',
      tags,
      responses: { 200: { description: 'The user.', schema: MeResponseSchema }, 401: { description: 'No session.' } },
    },
    async (_input, _req, res) => {
      res.json({ user: sessionUser(res) });
    },
  );

  api.add(
    router,
    {
      ...access.public,
      before: [limited],
      method: 'post',
      path: '/api/logout',
      summary: 'End the session and clear its cookie; the session’s cloud token is revoked at the cloud (queued, retried until the cloud confirms).',
      tags,
      responses: { 204: { description: 'Signed out (also when there was no session).' }, 429: { description: 'Too many attempts from this address.' } },
    },
    async (_input, req, res) => {
      const sessionId = readSessionCookie(req);
      if (sessionId !== undefined) await sessions.end(sessionId);
      res.clearCookie(SESSION_COOKIE, cookie);
      res.status(204).end();
    },
  );
  return router;
}

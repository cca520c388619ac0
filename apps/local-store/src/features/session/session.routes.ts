import { CreateSessionRequestSchema, MeResponseSchema, SessionResponseSchema } from '@dtg/contracts';
import { clientAddress, memoryRateLimiter, rateLimit, type ApiRegistry, type RateLimitSetting } from '@dtg/service-kit';
import { Router, type CookieOptions } from 'express';
import type { Access } from '../../http/access';
import { readSessionCookie, SESSION_COOKIE, sessionUser } from './session.middleware';
import type { SessionService } from './session.service';

export interface SessionRouteSettings {
  cookieSecure: boolean;
  /** Per client address, for the two routes anyone may call that cost a write or a call to the cloud. */
  rateLimit: RateLimitSetting;
}

export function sessionRoutes(api: ApiRegistry, access: Access, sessions: SessionService, settings: SessionRouteSettings): Router {
  const router = Router();
  const tags = ['session'];
  const cookie: CookieOptions = { httpOnly: true, sameSite: 'lax', path: '/', secure: settings.cookieSecure };
  // Every unknown ticket is a lookup at the cloud: without a limit, anyone could make the store ask it endlessly.
  const limited = rateLimit([{ limiter: memoryRateLimiter(settings.rateLimit), key: clientAddress, scope: 'from your address' }]);

  api.add(
    router,
    {
      ...access.public,
      before: [limited],
      method: 'post',
      path: '/api/session',
      summary: 'Redeem a one-time login ticket for a session cookie (dtg_session) and a short-lived cloud token.',
      tags,
      input: { body: CreateSessionRequestSchema },
      responses: {
        200: { description: 'Signed in; the cookie is set.', schema: SessionResponseSchema },
        400: { description: 'Bad body.' },
        401: { description: 'The ticket is unknown, expired or already used.' },
        429: { description: 'Too many attempts from this address: Retry-After says when to try again.' },
        502: { description: 'The ticket was not pushed yet and the cloud could not be asked.' },
      },
    },
    async ({ body }, _req, res) => {
      const session = await sessions.create(body.ticket);
      res.cookie(SESSION_COOKIE, session.sessionId, { ...cookie, expires: session.expiresAt });
      res.json({ user: session.user, cloudToken: session.cloudToken, cloudTokenExpiresAt: session.cloudTokenExpiresAt });
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
      summary: 'End the session and clear its cookie.',
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

import type { UserProfile } from '@dtg/contracts';
import { readCookie, unauthorized } from '@dtg/service-kit';
import type { Request, RequestHandler, Response } from 'express';
import type { SessionService } from './session.service';

export const SESSION_COOKIE = 'dtg_session';

/** The session id from the Cookie header. */
export function readSessionCookie(req: Request): string | undefined {
  return readCookie(req, SESSION_COOKIE);
}

/** The signed-in user of the request's session cookie, if any. */
async function cookieUser(sessions: SessionService, req: Request): Promise<UserProfile | undefined> {
  const sessionId = readSessionCookie(req);
  return sessionId === undefined ? undefined : sessions.currentUser(sessionId);
}

export function requireSession(sessions: SessionService): RequestHandler {
  return async (req, res, next) => {
    try {
      const user = await cookieUser(sessions, req);
      if (!user) throw unauthorized('Sign in first: no valid session.');
      res.locals.user = user;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The user put there by requireSession. */
export function sessionUser(res: Response): UserProfile {
  return res.locals.user as UserProfile;
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { UserProfile } from '@dtg/contracts';
import { forbidden, readCookie, unauthorized } from '@dtg/service-kit';
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

/**
 * Admin routes accept `Authorization: Bearer <LOCAL_ADMIN_TOKEN>` (scripts) or the session of a
 * user DingTalk marks as an org admin (the console).
 */
export function requireAdmin(sessions: SessionService, adminToken: string | undefined): RequestHandler {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return async (req, res, next) => {
    try {
      const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (bearer !== undefined && expected !== undefined && timingSafeEqual(digest(bearer), expected)) return next();
      const user = await cookieUser(sessions, req);
      if (!user) throw unauthorized('Admin access needs an admin session or the local admin token.');
      if (user.admin !== true) throw forbidden('Only organisation admins may see this.');
      res.locals.user = user;
      next();
    } catch (error) {
      next(error);
    }
  };
}

// Comparing fixed-length digests keeps the comparison constant-time whatever the token length.
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

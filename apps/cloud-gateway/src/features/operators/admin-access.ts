// Who may use /admin: a script with the ADMIN_TOKEN (bearer), or an operator signed in to the
// console (session cookie). Reads are open to both roles; a change needs the admin role and, from
// the console, the session's CSRF token in x-csrf-token (the cookie alone proves nothing: a browser
// sends it along with a forged request too, SameSite=Strict notwithstanding on older browsers).
// The actor found here is what the audit log records.
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { clientAddress, forbidden, readCookie, unauthorized } from '@dtg/service-kit';
import type { AdminActor } from '../audit/audit-log';
import type { OperatorsService, OperatorSession } from './operators.service';

export const OPERATOR_COOKIE = 'dtg_operator';
export const CSRF_HEADER = 'x-csrf-token';
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function same(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The actor of an /admin request (set by adminAccess). */
export function adminActor(res: Response): AdminActor {
  const found = res.locals.adminActor as AdminActor | undefined;
  if (!found) throw new Error('adminActor(res) used on a route without adminAccess()');
  return found;
}

/** The console session of the request, when there is one (the token is the cookie's value). */
export async function consoleSession(req: Request, operators: OperatorsService): Promise<{ token: string; session: OperatorSession } | null> {
  const token = readCookie(req, OPERATOR_COOKIE);
  if (!token) return null;
  const session = await operators.session(token);
  return session ? { token, session } : null;
}

/** A refused change from the console: wrong or missing CSRF token, or a viewer. */
export function changeRefusal(req: Request, session: OperatorSession): Error | undefined {
  if (READS.has(req.method)) return undefined;
  if (!same(req.get(CSRF_HEADER) ?? '', session.csrfToken)) return forbidden(`the ${CSRF_HEADER} header must carry this session's CSRF token`);
  if (session.role !== 'admin') return forbidden('viewers may look, not change: this needs the admin role');
  return undefined;
}

export function adminAccess(deps: { adminToken: string; operators: OperatorsService }): RequestHandler {
  const expected = Buffer.from(deps.adminToken);
  return async (req, res, next) => {
    try {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const source = clientAddress(req) ?? null;
      if (bearer !== undefined) {
        const given = Buffer.from(bearer);
        // An empty ADMIN_TOKEN (the CLI's config) never matches.
        if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorized('admin token required');
        res.locals.adminActor = { via: 'api', actor: 'admin-token', source } satisfies AdminActor;
        return next();
      }
      const found = await consoleSession(req, deps.operators);
      if (!found) throw unauthorized('admin token required (or sign in to the operator console)');
      const refusal = changeRefusal(req, found.session);
      if (refusal) throw refusal;
      res.locals.adminActor = { via: 'console', actor: found.session.username, source } satisfies AdminActor;
      next();
    } catch (err) {
      next(err);
    }
  };
}

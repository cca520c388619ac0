// Who may call a route, declared next to it in its registry spec: `security` (and the scope it
// needs) documents the rule and `before` enforces it, from the same object, so the two cannot
// disagree. Every /api route but sign-in names one scope; refusals are 401 (no valid credential)
// or 403 naming what is missing.
import type { Scope } from '@dtg/contracts';
import { forbidden, unauthorized, type ApiRouteSpec } from '@dtg/service-kit';
import type { RequestHandler, Response } from 'express';
import { requireSession } from '../features/session/session.middleware';
import type { SessionService } from '../features/session/session.service';
import type { Caller, CallerResolver } from './caller';

export type AccessRule = Pick<ApiRouteSpec, 'security' | 'scopes' | 'before'>;

export interface Access {
  public: AccessRule;
  /** The console's own session only (GET /api/me). */
  session: AccessRule;
  /** A service token holding `scope`, the LOCAL_ADMIN_TOKEN, or a session whose role grants it. */
  scope(scope: Scope): AccessRule;
  /** Any one of `scopes` (the route filters what it answers by which ones the caller holds). */
  anyScope(scopes: readonly Scope[]): AccessRule;
  /** The LOCAL_ADMIN_TOKEN or an org admin's session: managing service tokens, parked events. */
  admin: AccessRule;
  webhook: AccessRule;
}

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'A service token (dtgs_…, issued by an org admin with the scopes listed on each route) or LOCAL_ADMIN_TOKEN (every scope).',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'dtg_session',
    description: 'Set by POST /api/session. Org admins hold every scope; members directory:read, messages:send and messages:read (their own messages).',
  },
  webhookSignature: { type: 'apiKey', in: 'header', name: 'webhook-signature', description: 'Standard Webhooks (with webhook-id and webhook-timestamp).' },
};

const NO_CREDENTIAL = 'Send "Authorization: Bearer <service token>" or sign in to the console.';

export function createAccess(resolve: CallerResolver, sessions: SessionService): Access {
  const withCaller =
    (check: (caller: Caller) => void): RequestHandler =>
    async (req, res, next) => {
      try {
        const caller = await resolve(req);
        if (!caller) throw unauthorized(NO_CREDENTIAL);
        check(caller);
        res.locals.caller = caller;
        next();
      } catch (error) {
        next(error);
      }
    };
  return {
    public: { security: [] },
    session: { security: ['session'], before: [requireSession(sessions)] },
    // Either one is enough (OpenAPI reads a list of security requirements as alternatives).
    scope: (scope) => ({
      security: ['bearer', 'session'],
      scopes: [scope],
      before: [
        withCaller((caller) => {
          if (!caller.scopes.has(scope)) throw forbidden(`This credential lacks the ${scope} scope.`);
        }),
      ],
    }),
    anyScope: (scopes) => ({
      security: ['bearer', 'session'],
      before: [
        withCaller((caller) => {
          if (!scopes.some((scope) => caller.scopes.has(scope)))
            throw forbidden(`This credential lacks all of the scopes ${scopes.join(', ')}; one is needed.`);
        }),
      ],
    }),
    admin: {
      security: ['bearer', 'session'],
      scopes: ['admin'],
      before: [
        withCaller((caller) => {
          if (!caller.admin) throw forbidden("This needs an organisation admin's session or the LOCAL_ADMIN_TOKEN; service tokens cannot.");
        }),
      ],
    },
    // Verified inside the handler: the signature covers the raw body, which only the handler sees.
    webhook: { security: ['webhookSignature'] },
  };
}

/** The caller put there by a scope or admin rule. */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error('callerOf(res) used on a route without a scope or admin rule');
  return caller;
}

/** The refusals every scoped route can answer, for its responses table. */
export const REFUSALS = {
  401: { description: 'No valid credential (missing, unknown, revoked or expired token; no session).' },
  403: { description: 'The credential lacks the scope this route needs (named in the problem).' },
};

// Console sign-in: POST /admin/session with a username and password sets the session cookie
// (httpOnly, SameSite=Strict, Path=/admin) and answers the CSRF token the page sends back on every
// change; GET tells the page who is signed in; DELETE signs out. Sign-ins are rate-limited per
// client address; a sign-in is recorded in the audit log, a refused one logged.
import type { Router } from 'express';
import { z } from 'zod';
import { clientAddress, rateLimit, unauthorized, type ApiRegistry } from '@dtg/service-kit';
import type { CloudServices } from '../../services';
import { changeRefusal, consoleSession, OPERATOR_COOKIE } from './admin-access';
import { OperatorRoleSchema, SignInSchema } from './operators.service';

const SessionViewSchema = z.object({ username: z.string(), role: OperatorRoleSchema, csrfToken: z.string() });

export function operatorSessionRoutes(s: CloudServices, api: ApiRegistry, opts: { secureCookies: boolean }): Router {
  const router = api.router('/admin/session');
  const cookie = { httpOnly: true, sameSite: 'strict' as const, secure: opts.secureCookies, path: '/admin' };
  const tags = ['operator console'];
  const limiter = rateLimit([
    { limiter: s.rateLimiters('operator-sign-in', s.config.RATE_LIMIT_OPERATOR_SIGN_IN), key: clientAddress, scope: 'from your address' },
  ]);

  api.add(
    router,
    {
      method: 'post',
      path: '/admin/session',
      summary: 'Sign in to the operator console (sets the session cookie; answers the CSRF token)',
      tags,
      security: [],
      before: [limiter],
      input: { body: SignInSchema },
      responses: {
        200: { description: 'Signed in', schema: SessionViewSchema },
        400: { description: 'Invalid input' },
        401: { description: 'Wrong username or password' },
        429: { description: 'Too many attempts' },
      },
    },
    async ({ body }, req, res) => {
      const source = clientAddress(req) ?? null;
      const signedIn = await s.operators.signIn(body.username, body.password, body.totp).catch((err: unknown) => {
        // A refusal changes nothing, so it is a log line (the username, never the password), not an audit entry.
        s.logger.warn('operator sign-in refused', { username: body.username, source });
        throw err;
      });
      const { token, expiresAt, session } = signedIn;
      await s.audit.record({ via: 'console', actor: session.username, source }, { action: 'operator.sign-in' });
      res.cookie(OPERATOR_COOKIE, token, { ...cookie, expires: expiresAt });
      res.json({ username: session.username, role: session.role, csrfToken: session.csrfToken });
    },
  );
  api.add(
    router,
    {
      method: 'get',
      path: '/admin/session',
      summary: 'Who is signed in to the console (and the CSRF token for changes)',
      tags,
      security: [],
      responses: { 200: { description: 'The session', schema: SessionViewSchema }, 401: { description: 'Not signed in' } },
    },
    async (_input, req, res) => {
      const found = await consoleSession(req, s.operators);
      if (!found) throw unauthorized('not signed in to the operator console');
      res.set('Cache-Control', 'no-store').json({ username: found.session.username, role: found.session.role, csrfToken: found.session.csrfToken });
    },
  );
  api.add(
    router,
    {
      method: 'delete',
      path: '/admin/session',
      summary: 'Sign out of the console (needs the CSRF token, like every change)',
      tags,
      security: [],
      responses: { 204: { description: 'Signed out' }, 403: { description: 'No CSRF token' } },
    },
    async (_input, req, res) => {
      const found = await consoleSession(req, s.operators);
      if (found) {
        // Signing out is allowed to viewers: only the CSRF part of the change check applies.
        const refusal = changeRefusal(req, { ...found.session, role: 'admin' });
        if (refusal) throw refusal;
        await s.operators.signOut(found.token);
        await s.audit.record({ via: 'console', actor: found.session.username, source: clientAddress(req) ?? null }, { action: 'operator.sign-out' });
      }
      res.clearCookie(OPERATOR_COOKIE, cookie).status(204).end();
    },
  );
  return router;
}

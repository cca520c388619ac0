// The provider on the store's HTTP app: its own endpoints (discovery at the root, the rest under
// /oidc), and the sign-in step in between:
//   /oidc/interaction/:uid  a person already signed in to the store (dtg_session) is signed in at
//                           once; anyone else goes through "Sign in with DingTalk" via the cloud,
//   /oidc/callback          where the cloud sends them back with a ticket: redeemed like the
//                           console's (a store session, the same binding-cookie check), then back to
//                           the interaction, which now finds the session,
//   consent                 shown for apps that are not first-party.
import { AppError, readCookie, type ApiRegistry } from '@dtg/service-kit';
import express, { Router, type CookieOptions, type Request, type RequestHandler, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { Access } from '../../http/access';
import { inAppUrl, insideDingTalk } from '../session/in-app.page';
import { readSessionCookie, SESSION_COOKIE } from '../session/session.middleware';
import type { SessionService } from '../session/session.service';
import { isFirstParty, OIDC_PREFIX } from './oidc-provider';
import { consentPage, expiredPage, LOCALE_COOKIE, oidcPageSecurity, pageLocale } from './oidc-pages';
import type { OidcService } from './oidc.service';

/** The pages' language: the console's choice (same origin) or Accept-Language. */
const localeOf = (req: Request) => pageLocale(readCookie(req, LOCALE_COOKIE), req.get('accept-language'));

const CALLBACK_PATH = `${OIDC_PREFIX}/callback`;
const UID_COOKIE = 'dtg_oidc_uid';
const DISCOVERY = '/.well-known/openid-configuration';
/** Where a failed DingTalk sign-in is reported to the interaction (then to the app as access_denied). */
const FAILED = 'dingtalk_error';

export interface OidcRouteSettings {
  cookieSecure: boolean;
}

/** The URL the cloud must accept as a return URL for this store's provider (register it with the tenant). */
export const oidcReturnUrl = (issuer: string) => `${issuer}${CALLBACK_PATH}`;

export function oidcRoutes(api: ApiRegistry, _access: Access, oidc: OidcService, sessions: SessionService, settings: OidcRouteSettings): Router {
  const router = Router();
  if (!oidc.enabled) return router;
  const sessionCookie: CookieOptions = { httpOnly: true, sameSite: 'lax', path: '/', secure: settings.cookieSecure };
  const uidCookie: CookieOptions = { httpOnly: true, sameSite: 'lax', path: CALLBACK_PATH, secure: settings.cookieSecure, maxAge: 10 * 60_000 };
  const security = oidcPageSecurity();
  const handle =
    (work: (req: Request, res: Response, provider: Provider) => Promise<void>): RequestHandler =>
    async (req, res, next) => {
      try {
        res.set('Cache-Control', 'no-store');
        await work(req, res, await oidc.provider());
      } catch (error) {
        // The interaction cookie is missing or expired (another browser, an old tab): nothing to resume.
        if ((error as { name?: string }).name === 'SessionNotFound')
          return void res
            .status(400)
            .type('html')
            .send(expiredPage(localeOf(req)));
        next(error);
      }
    };

  /** Ends the login step with the person signed in to the store, or sends them to DingTalk. */
  const login = async (req: Request, res: Response, provider: Provider, uid: string) => {
    const sessionId = readSessionCookie(req);
    const user = sessionId === undefined ? undefined : await sessions.currentUser(sessionId);
    if (user) {
      const sub = await oidc.accounts.subjectOf(user.userid);
      await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
      return;
    }
    // Inside the DingTalk client: the in-app sign-in, no click, then back here.
    if (insideDingTalk(req)) return res.redirect(303, inAppUrl(`${OIDC_PREFIX}/interaction/${uid}`));
    const begun = sessions.beginLogin(oidcReturnUrl(oidc.issuer));
    res.cookie(begun.cookie.name, begun.cookie.value, begun.cookie.options);
    res.cookie(UID_COOKIE, uid, uidCookie);
    res.redirect(303, begun.location);
  };

  /** Grants what the app asks for that is not granted yet, and ends the consent step. */
  const grantAll = async (req: Request, res: Response, provider: Provider) => {
    const details = await provider.interactionDetails(req, res);
    const { accountId } = details.session ?? {};
    const clientId = String(details.params['client_id']);
    if (!accountId) throw new AppError('bad_request', 'No one is signed in for this interaction.');
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId });
    if (!grant) throw new AppError('bad_request', 'The grant of this interaction is gone.');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  };

  router.get(
    `${OIDC_PREFIX}/interaction/:uid`,
    security,
    handle(async (req, res, provider) => {
      const details = await provider.interactionDetails(req, res);
      if (typeof req.query[FAILED] === 'string') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: `DingTalk sign-in failed: ${req.query[FAILED]}` },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      if (details.prompt.name === 'login') return login(req, res, provider, details.uid);
      const client = await provider.Client.find(String(details.params['client_id']));
      if (isFirstParty(client)) return grantAll(req, res, provider);
      const scopes = (details.prompt.details as { missingOIDCScope?: string[] }).missingOIDCScope ?? [];
      const origins = [...new Set((client?.redirectUris ?? []).map((uri) => new URL(uri).origin))];
      // The consent form's answer redirects to the app: its origins are allowed form targets.
      oidcPageSecurity(origins)(req, res, () => {
        res
          .type('html')
          .send(
            consentPage(localeOf(req), `${OIDC_PREFIX}/interaction/${details.uid}/consent`, client?.clientName ?? String(details.params['client_id']), scopes),
          );
      });
    }),
  );

  router.post(
    `${OIDC_PREFIX}/interaction/:uid/consent`,
    express.urlencoded({ extended: false, limit: '2kb' }),
    handle(async (req, res, provider) => {
      const decision = (req.body as { decision?: unknown } | undefined)?.decision;
      if (decision === 'allow') return grantAll(req, res, provider);
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The person did not allow access.' },
        { mergeWithLastSubmission: false },
      );
    }),
  );

  router.get(
    CALLBACK_PATH,
    security,
    handle(async (req, res) => {
      const uid = readCookie(req, UID_COOKIE);
      if (!uid || !/^[A-Za-z0-9_-]{1,64}$/.test(uid))
        return void res
          .status(400)
          .type('html')
          .send(expiredPage(localeOf(req)));
      res.clearCookie(UID_COOKIE, { ...uidCookie, maxAge: undefined });
      const back = `${OIDC_PREFIX}/interaction/${uid}`;
      const ticket = typeof req.query['ticket'] === 'string' ? req.query['ticket'] : undefined;
      if (!ticket) return res.redirect(303, `${back}?${new URLSearchParams({ [FAILED]: String(req.query['error'] ?? 'no_ticket') })}`);
      try {
        const session = await sessions.create(ticket, (name) => readCookie(req, name));
        res.clearCookie(session.clearCookie.name, session.clearCookie.options);
        res.cookie(SESSION_COOKIE, session.sessionId, { ...sessionCookie, expires: session.expiresAt });
        res.redirect(303, back);
      } catch (error) {
        // A refused ticket (reused, another browser's, a person who left) ends the app's sign-in as access_denied.
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        res.redirect(303, `${back}?${new URLSearchParams({ [FAILED]: error.code })}`);
      }
    }),
  );

  // Everything else the provider serves; it answers its own errors (JSON for APIs, a page for browsers).
  router.use(async (req, res, next) => {
    if (req.path !== DISCOVERY && !req.path.startsWith(`${OIDC_PREFIX}/`)) return next();
    try {
      const provider = await oidc.provider();
      // Koa's request handler answers its own errors and never rejects: nothing is left to await.
      void provider.callback()(req, res);
    } catch (error) {
      next(error);
    }
  });

  documentProvider(api);
  return router;
}

const PROVIDER_ROUTES: { method: 'get' | 'post'; path: string; summary: string }[] = [
  { method: 'get', path: DISCOVERY, summary: 'OpenID Connect discovery: the issuer (LOCAL_PUBLIC_URL) and every endpoint below.' },
  { method: 'get', path: `${OIDC_PREFIX}/jwks`, summary: 'The public signing keys (JWKS); a retired key stays listed until the id_tokens it signed expire.' },
  {
    method: 'get',
    path: `${OIDC_PREFIX}/auth`,
    summary:
      'Authorization endpoint (code flow; PKCE S256 required for public clients). Signs the person in with DingTalk unless already signed in to the store.',
  },
  {
    method: 'post',
    path: `${OIDC_PREFIX}/token`,
    summary: 'Token endpoint: authorization_code (with code_verifier) and refresh_token grants. Confidential clients authenticate with HTTP Basic.',
  },
  { method: 'get', path: `${OIDC_PREFIX}/me`, summary: 'UserInfo: the claims of the scopes granted (profile, email, phone, dingtalk). Bearer access token.' },
  { method: 'post', path: `${OIDC_PREFIX}/token/revocation`, summary: 'Revoke a refresh or access token (RFC 7009).' },
  { method: 'post', path: `${OIDC_PREFIX}/token/introspection`, summary: 'Token introspection (RFC 7662), for confidential clients.' },
  {
    method: 'get',
    path: `${OIDC_PREFIX}/session/end`,
    summary: 'RP-initiated logout: ends the provider session and the store session (id_token_hint, post_logout_redirect_uri).',
  },
  {
    method: 'get',
    path: `${OIDC_PREFIX}/interaction/:uid`,
    summary: 'The sign-in step (HTML): DingTalk sign-in via the cloud, then consent for apps that are not first-party.',
  },
  {
    method: 'get',
    path: CALLBACK_PATH,
    summary:
      'Where the cloud returns a DingTalk sign-in started by the provider (ticket=…); register LOCAL_PUBLIC_URL/oidc/callback as a return URL of the tenant.',
  },
];

/** The provider's endpoints in the store's OpenAPI document (oidc-provider serves them; their shapes are the OpenID Connect specs'). */
function documentProvider(api: ApiRegistry): void {
  for (const route of PROVIDER_ROUTES) {
    api.document({
      ...route,
      tags: ['sign in your own apps (OpenID Connect)'],
      security: [],
      responses: { 200: { description: 'As OpenID Connect Core 1.0 and its companions specify.' } },
    });
  }
}

import { LOCALE_COOKIE, parseUiLocale, requestLocale, type UiLocale } from '@dtg/service-kit';
import { Router, type Request, type Response } from 'express';
import { queryOf } from '../core/endpoint';
import { locals } from '../core/http-locals';
import { sendHtml, sendRedirect } from '../core/replies';
import type { World } from '../world';
import { renderErrorPage, renderLoginPage, type LoginPageModel, type PageError } from './login-page.view';
import { findOAuthClient, redirectAllowed, type OAuthClient } from './oauth-client';

interface LoginRequest {
  client: OAuthClient;
  redirectUri: string;
  scope: string;
  withCorp: boolean;
  state?: string;
}

/** Validates the authorize parameters; returns the error for the error page instead. */
function parseLoginRequest(world: World, p: Record<string, string>, checkFlowParams: boolean): LoginRequest | PageError {
  const client = findOAuthClient(world, p['client_id'] ?? '');
  if (!client) return { key: 'error.invalidClient' };
  const redirectUri = p['redirect_uri'] ?? '';
  if (!redirectAllowed(client, redirectUri)) return { key: 'error.invalidRedirect' };
  if (checkFlowParams && p['response_type'] !== 'code') return { key: 'error.responseType' };
  if (checkFlowParams && p['prompt'] !== 'consent') return { key: 'error.prompt' };
  const scopes = (p['scope'] ?? '').split(/\s+/).filter((s) => s !== '');
  const scope = scopes.join(' ');
  if (scope !== 'openid' && scope !== 'openid corpid') return { key: 'error.scope' };
  return { client, redirectUri, scope, withCorp: scope === 'openid corpid', ...(p['state'] !== undefined ? { state: p['state'] } : {}) };
}

/** The authorize URL of this login in the other language (the page's language switch). */
function switchUrl(login: LoginRequest, locale: UiLocale, selectedOrg?: string): string {
  const params = new URLSearchParams({
    client_id: login.client.clientId,
    redirect_uri: login.redirectUri,
    response_type: 'code',
    scope: login.scope,
    prompt: 'consent',
  });
  if (login.state !== undefined) params.set('state', login.state);
  if (selectedOrg !== undefined) params.set('corpId', selectedOrg);
  params.set('lang', locale === 'en' ? 'zh-CN' : 'en');
  return `/oauth2/auth?${params.toString()}`;
}

function pageModel(world: World, login: LoginRequest, locale: UiLocale, selectedOrg?: string, error?: PageError): LoginPageModel {
  const people = world.orgs
    .allPeople()
    .sort((a, b) => a.personId.localeCompare(b.personId))
    .map((p) => ({ value: p.personId, label: `${p.nick} (${p.personId})` }));
  const orgs = login.withCorp ? world.orgs.corpIds().map((c) => ({ value: c, label: world.orgs.org(c)?.corpName ?? c })) : undefined;
  return {
    locale,
    switchUrl: switchUrl(login, locale, selectedOrg),
    appName: login.client.name,
    selectedPerson: firstAdmin(world),
    hidden: {
      client_id: login.client.clientId,
      redirect_uri: login.redirectUri,
      scope: login.scope,
      ...(login.state !== undefined ? { state: login.state } : {}),
    },
    people,
    ...(orgs ? { orgs } : {}),
    ...(selectedOrg !== undefined ? { selectedOrg } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/**
 * The first org's first admin is preselected (in the demo that is user001, whom the README names):
 * alphabetical order would put the outsider first, who is refused by design and puzzles newcomers.
 */
function firstAdmin(world: World): string | undefined {
  const corpId = world.orgs.corpIds()[0];
  return corpId === undefined ? undefined : world.orgs.members(corpId).find((m) => m.admin)?.personId;
}

function redirectBack(res: Response, login: LoginRequest, params: Record<string, string>): void {
  const url = new URL(login.redirectUri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  if (login.state !== undefined) url.searchParams.set('state', login.state);
  sendRedirect(res, url.toString());
}

function formFields(req: Request, res: Response): Record<string, string> {
  const body = locals(res).body;
  const fields =
    body.kind === 'form' ? body.value : body.kind === 'json' && body.value && typeof body.value === 'object' ? (body.value as Record<string, string>) : {};
  return { ...queryOf(req), ...fields };
}

/**
 * The page's language: `?lang=` (the page's switch; remembered in a cookie of the login host), then
 * the remembered choice, then Accept-Language — DingTalk's own login page follows the browser too.
 */
function pageLocale(req: Request, res: Response): UiLocale {
  const chosen = parseUiLocale(queryOf(req)['lang']);
  if (chosen === undefined) return requestLocale(req);
  res.setHeader('set-cookie', `${LOCALE_COOKIE}=${encodeURIComponent(chosen)}; Path=/; Max-Age=31536000; SameSite=Lax`);
  return chosen;
}

const isPageError = (value: LoginRequest | PageError): value is PageError => 'key' in value;

/** The login host: `GET /oauth2/auth` consent page and its `POST /oauth2/consent` form target. */
export function loginRoutes(world: World): Router {
  const router = Router();

  router.get('/oauth2/auth', (req, res) => {
    const query = queryOf(req);
    const locale = pageLocale(req, res);
    const login = parseLoginRequest(world, query, true);
    if (isPageError(login)) return sendHtml(res, 400, renderErrorPage(locale, login));
    sendHtml(res, 200, renderLoginPage(pageModel(world, login, locale, query['corpId'])));
  });

  router.post('/oauth2/consent', (req, res) => {
    const form = formFields(req, res);
    const locale = requestLocale(req);
    const login = parseLoginRequest(world, form, false);
    if (isPageError(login)) return sendHtml(res, 400, renderErrorPage(locale, login));
    if (form['decision'] !== 'allow') return redirectBack(res, login, { error: 'access_denied' });
    const person = world.orgs.person(form['userid'] ?? '');
    if (!person) return sendHtml(res, 400, renderLoginPage(pageModel(world, login, locale, form['corpId'], { key: 'login.choosePerson' })));
    const corpId = login.withCorp ? form['corpId'] : undefined;
    if (login.withCorp && (corpId === undefined || !world.orgs.orgsOfPerson(person.personId).includes(corpId))) {
      return sendHtml(res, 400, renderLoginPage(pageModel(world, login, locale, corpId, { key: 'login.notMember', params: { name: person.nick } })));
    }
    const grant = { clientId: login.client.clientId, personId: person.personId, ...(corpId !== undefined ? { corpId } : {}) };
    const code = world.oauth.issueCode(grant, world.clock.now(), world.config.authCodeLifetimeMs);
    // The tutorial shows both names with one value; integrations read one or the other.
    redirectBack(res, login, { code, authCode: code });
  });

  return router;
}

import { Router, type Request, type Response } from 'express';
import { queryOf } from '../core/endpoint';
import { locals } from '../core/http-locals';
import { sendHtml, sendRedirect } from '../core/replies';
import type { World } from '../world';
import { renderErrorPage, renderLoginPage, type LoginPageModel } from './login-page.view';
import { findOAuthClient, redirectAllowed, type OAuthClient } from './oauth-client';

interface LoginRequest {
  client: OAuthClient;
  redirectUri: string;
  scope: string;
  withCorp: boolean;
  state?: string;
}

/** Validates the authorize parameters; returns an error message for the error page instead. */
function parseLoginRequest(world: World, p: Record<string, string>, checkFlowParams: boolean): LoginRequest | string {
  const client = findOAuthClient(world, p['client_id'] ?? '');
  if (!client) return 'Invalid client_id: no app with this AppKey or SuiteKey.';
  const redirectUri = p['redirect_uri'] ?? '';
  if (!redirectAllowed(client, redirectUri)) return 'Invalid redirect_uri: it is not registered for this app.';
  if (checkFlowParams && p['response_type'] !== 'code') return 'response_type must be "code".';
  if (checkFlowParams && p['prompt'] !== 'consent') return 'prompt must be "consent".';
  const scopes = (p['scope'] ?? '').split(/\s+/).filter((s) => s !== '');
  const scope = scopes.join(' ');
  if (scope !== 'openid' && scope !== 'openid corpid') return 'scope must be "openid" or "openid corpid".';
  return { client, redirectUri, scope, withCorp: scope === 'openid corpid', ...(p['state'] !== undefined ? { state: p['state'] } : {}) };
}

function pageModel(world: World, login: LoginRequest, selectedOrg?: string, error?: string): LoginPageModel {
  const people = world.orgs
    .allPeople()
    .sort((a, b) => a.personId.localeCompare(b.personId))
    .map((p) => ({ value: p.personId, label: `${p.nick} (${p.personId})` }));
  const orgs = login.withCorp ? world.orgs.corpIds().map((c) => ({ value: c, label: world.orgs.org(c)?.corpName ?? c })) : undefined;
  return {
    appName: login.client.name,
    selectedPerson: firstAdmin(world),
    hidden: { client_id: login.client.clientId, redirect_uri: login.redirectUri, scope: login.scope, ...(login.state !== undefined ? { state: login.state } : {}) },
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
  const fields = body.kind === 'form' ? body.value : body.kind === 'json' && body.value && typeof body.value === 'object' ? (body.value as Record<string, string>) : {};
  return { ...queryOf(req), ...fields };
}

/** The login host: `GET /oauth2/auth` consent page and its `POST /oauth2/consent` form target. */
export function loginRoutes(world: World): Router {
  const router = Router();

  router.get('/oauth2/auth', (req, res) => {
    const query = queryOf(req);
    const login = parseLoginRequest(world, query, true);
    if (typeof login === 'string') return sendHtml(res, 400, renderErrorPage(login));
    sendHtml(res, 200, renderLoginPage(pageModel(world, login, query['corpId'])));
  });

  router.post('/oauth2/consent', (req, res) => {
    const form = formFields(req, res);
    const login = parseLoginRequest(world, form, false);
    if (typeof login === 'string') return sendHtml(res, 400, renderErrorPage(login));
    if (form['decision'] !== 'allow') return redirectBack(res, login, { error: 'access_denied' });
    const person = world.orgs.person(form['userid'] ?? '');
    if (!person) return sendHtml(res, 400, renderLoginPage(pageModel(world, login, form['corpId'], 'Choose a person.')));
    const corpId = login.withCorp ? form['corpId'] : undefined;
    if (login.withCorp && (corpId === undefined || !world.orgs.orgsOfPerson(person.personId).includes(corpId))) {
      return sendHtml(res, 400, renderLoginPage(pageModel(world, login, corpId, `${person.nick} is not a member of the chosen organisation.`)));
    }
    const grant = { clientId: login.client.clientId, personId: person.personId, ...(corpId !== undefined ? { corpId } : {}) };
    const code = world.oauth.issueCode(grant, world.clock.now(), world.config.authCodeLifetimeMs);
    // The tutorial shows both names with one value; integrations read one or the other.
    redirectBack(res, login, { code, authCode: code });
  });

  return router;
}

// A browser without JavaScript for the login across real processes: one hop at a time (manual
// redirects, so each hop can be asserted), the simulator's consent form read and submitted like a
// person would, cookies kept like a browser keeps them. Logins start at the local store, as the
// console starts them, unless a test names another tenant or returnTo.
import * as flow from './login-flow';
import type { Stack } from '@dtg/testkit';

// The hop-level steps live in login-flow.ts; these take a Stack and its defaults.
export { Browser, hop, redeemAtStore, type Hop } from './login-flow';

export interface Choice {
  /** The DingTalk account picked on the login page (its personId; equal to the userid in the demo org). */
  userid: string;
  decision?: 'allow' | 'deny';
}

export function loginStartUrl(stack: Stack, returnTo: string, tenantId = stack.tenant.id): string {
  return flow.loginUrl(stack.cloud.url, tenantId, returnTo);
}

/** The store's GET /auth/login, then the cloud's → the DingTalk authorize URL they redirect to. */
export function beginLogin(stack: Stack, browser?: flow.Browser): Promise<string> {
  return flow.beginLoginAtStore(stack.local.url, browser);
}

/** Opens DingTalk's login page, picks the person, submits the consent form → where DingTalk sends the browser. */
export function consent(authorizeUrl: string, choice: Choice, browser?: flow.Browser): Promise<string> {
  return flow.consent(authorizeUrl, choice.userid, choice.decision, browser);
}

/**
 * The whole DingTalk part of a login: the cloud callback's answer, and the callback URL (to replay
 * it). Started at the store, or at the cloud directly for `tenantId`/`returnTo` (another app).
 */
export async function signIn(
  stack: Stack,
  choice: Choice,
  options: { returnTo?: string; tenantId?: string; browser?: flow.Browser } = {},
): Promise<flow.Hop & { callbackUrl: string }> {
  const direct = options.returnTo !== undefined || options.tenantId !== undefined;
  const authorizeUrl = direct
    ? await flow.beginLogin(stack.cloud.url, options.tenantId ?? stack.tenant.id, options.returnTo ?? `${stack.local.url}/`, options.browser)
    : await beginLogin(stack, options.browser);
  const callbackUrl = await consent(authorizeUrl, choice, options.browser);
  return { ...(await flow.hop(callbackUrl, {}, options.browser)), callbackUrl };
}

/** The `ticket` (or `error`) the cloud appended to returnTo. */
export function returnParams(hopped: flow.Hop): URLSearchParams {
  if (hopped.status !== 302 || !hopped.location) throw new Error(`expected a redirect to returnTo, got ${hopped.status}: ${hopped.text}`);
  return new URL(hopped.location).searchParams;
}

/** The session cookie from a Set-Cookie header, as the browser would send it back. */
export function sessionCookie(res: Response): string | undefined {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('dtg_session=') && pair !== 'dtg_session=');
}

/** A whole login into the local store, in a browser of its own: its session cookie and the cloud token it handed out. */
export async function localSession(stack: Stack, userid: string): Promise<{ cookie: string; cloudToken: string }> {
  const browser = new flow.Browser();
  const ticket = returnParams(await signIn(stack, { userid }, { browser })).get('ticket');
  if (!ticket) throw new Error(`no ticket for ${userid}`);
  const res = await flow.redeemAtStore(stack.local.url, ticket, browser);
  const cookie = sessionCookie(res);
  const body = (await res.json()) as { cloudToken?: string };
  if (res.status !== 200 || !cookie || !body.cloudToken) throw new Error(`session for ${userid}: ${res.status} ${JSON.stringify(body)}`);
  return { cookie, cloudToken: body.cloudToken };
}

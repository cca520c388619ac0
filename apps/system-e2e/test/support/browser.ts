// A browser without JavaScript for the login across real processes: one hop at a time (manual
// redirects, so each hop can be asserted), the simulator's consent form read and submitted like a
// person would, and the local store's session cookie kept like a browser keeps it.
import * as flow from './login-flow';
import type { Stack } from './stack';

// The hop-level steps live in login-flow.ts; these take a Stack and its defaults.
export { hop, type Hop } from './login-flow';

export interface Choice {
  /** The DingTalk account picked on the login page (its personId; equal to the userid in the demo org). */
  userid: string;
  decision?: 'allow' | 'deny';
}

export function loginStartUrl(stack: Stack, returnTo: string, tenantId = stack.tenant.id): string {
  return flow.loginUrl(stack.cloud.url, tenantId, returnTo);
}

/** GET /auth/dingtalk → the DingTalk authorize URL it redirects to. */
export function beginLogin(stack: Stack, returnTo = `${stack.local.url}/`, tenantId = stack.tenant.id): Promise<string> {
  return flow.beginLogin(stack.cloud.url, tenantId, returnTo);
}

/** Opens DingTalk's login page, picks the person, submits the consent form → where DingTalk sends the browser. */
export function consent(authorizeUrl: string, choice: Choice): Promise<string> {
  return flow.consent(authorizeUrl, choice.userid, choice.decision);
}

/** The whole DingTalk part of a login: the cloud callback's answer, and the callback URL (to replay it). */
export async function signIn(stack: Stack, choice: Choice, options: { returnTo?: string; tenantId?: string } = {}): Promise<flow.Hop & { callbackUrl: string }> {
  const callbackUrl = await consent(await beginLogin(stack, options.returnTo, options.tenantId), choice);
  return { ...(await flow.hop(callbackUrl)), callbackUrl };
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

/** A whole login into the local store: its session cookie and the cloud token it handed out. */
export async function localSession(stack: Stack, userid: string): Promise<{ cookie: string; cloudToken: string }> {
  const ticket = returnParams(await signIn(stack, { userid })).get('ticket');
  if (!ticket) throw new Error(`no ticket for ${userid}`);
  const res = await fetch(`${stack.local.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket }),
  });
  const cookie = sessionCookie(res);
  const body = (await res.json()) as { cloudToken?: string };
  if (res.status !== 200 || !cookie || !body.cloudToken) throw new Error(`session for ${userid}: ${res.status} ${JSON.stringify(body)}`);
  return { cookie, cloudToken: body.cloudToken };
}

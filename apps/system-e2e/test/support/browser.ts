// A browser without JavaScript for the login across real processes: one hop at a time (manual
// redirects, so each hop can be asserted), the simulator's consent form read and submitted like a
// person would, and the local store's session cookie kept like a browser keeps it.
import type { Stack } from './stack';

export interface Hop {
  status: number;
  location: string | null;
  text: string;
}

export interface Choice {
  /** The DingTalk account picked on the login page (its personId; equal to the userid in the demo org). */
  userid: string;
  decision?: 'allow' | 'deny';
}

export async function hop(url: string, init: RequestInit = {}): Promise<Hop> {
  const res = await fetch(url, { redirect: 'manual', ...init, headers: { accept: 'text/html,application/xhtml+xml', ...init.headers } });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

export function loginStartUrl(stack: Stack, returnTo: string, tenantId = stack.tenant.id): string {
  return `${stack.cloud.url}/auth/dingtalk?${new URLSearchParams({ tenant: tenantId, returnTo })}`;
}

/** GET /auth/dingtalk → the DingTalk authorize URL it redirects to. */
export async function beginLogin(stack: Stack, returnTo = `${stack.local.url}/`, tenantId?: string): Promise<string> {
  const start = await hop(loginStartUrl(stack, returnTo, tenantId));
  if (start.status !== 302 || !start.location) throw new Error(`login start answered ${start.status}: ${start.text}`);
  return start.location;
}

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    if (name !== undefined && value !== undefined) fields[name] = value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
  }
  return fields;
}

/** Opens DingTalk's login page, picks the person, submits the consent form → where DingTalk sends the browser. */
export async function consent(authorizeUrl: string, choice: Choice): Promise<string> {
  const page = await hop(authorizeUrl);
  if (page.status !== 200) throw new Error(`login page answered ${page.status}: ${page.text.slice(0, 500)}`);
  const action = /<form id="consent-form" method="post" action="([^"]+)">/.exec(page.text)?.[1];
  if (!action) throw new Error('no consent form on the login page');
  const form = new URLSearchParams({ ...hiddenFields(page.text), userid: choice.userid, decision: choice.decision ?? 'allow' });
  const submitted = await hop(new URL(action, authorizeUrl).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (submitted.status !== 302 || !submitted.location) throw new Error(`consent answered ${submitted.status}: ${submitted.text.slice(0, 500)}`);
  return submitted.location;
}

/** The whole DingTalk part of a login: the cloud callback's answer, and the callback URL (to replay it). */
export async function signIn(stack: Stack, choice: Choice, options: { returnTo?: string; tenantId?: string } = {}): Promise<Hop & { callbackUrl: string }> {
  const callbackUrl = await consent(await beginLogin(stack, options.returnTo, options.tenantId), choice);
  return { ...(await hop(callbackUrl)), callbackUrl };
}

/** The `ticket` (or `error`) the cloud appended to returnTo. */
export function returnParams(hopped: Hop): URLSearchParams {
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

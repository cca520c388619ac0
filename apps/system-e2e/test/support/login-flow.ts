// "Sign in with DingTalk" as a browser without JavaScript does it: one redirect hop at a time (so
// each hop can be asserted), cookies kept like a browser keeps them (`cookiejar`, as superagent
// does: the cloud's nonce cookie, the store's binding and session cookies), the simulator's
// consent form read and submitted. A test's steps share one browser unless it brings another (an
// attacker's, a victim's).
import { LoginTicketSchema } from '@dtg/contracts';
import { openWithTicket } from '@dtg/service-kit';
import { CookieAccessInfo, CookieJar } from 'cookiejar';

export interface Hop {
  status: number;
  location: string | null;
  text: string;
  contentType: string;
}

export class Browser {
  private readonly jar = new CookieJar();
  private readonly seen = new Set<string>();

  /** The Cookie header this browser sends with a request to `url` ('' when none). */
  cookieFor(url: string): string {
    const { hostname, pathname, protocol } = new URL(url);
    return this.jar.getCookies(new CookieAccessInfo(hostname, pathname, protocol === 'https:')).toValueString();
  }

  /** Every cookie value this browser was ever given (nonces, bindings, sessions), for the log scan. */
  cookieValues(): string[] {
    return [...this.seen];
  }

  /** One request, redirects not followed; cookies sent and kept. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = this.cookieFor(url);
    const res = await fetch(url, { redirect: 'manual', ...init, headers: { ...(cookie ? { cookie } : {}), ...init.headers } });
    const { hostname, pathname } = new URL(url);
    const set = res.headers.getSetCookie();
    for (const line of set) {
      const value = /^[^=]+=([^;]*)/.exec(line)?.[1];
      if (value) this.seen.add(value);
    }
    this.jar.setCookies(set, hostname, pathname);
    return res;
  }
}

/** The browser a test's steps share when they name none. */
const shared = new Browser();

export async function hop(url: string, init: RequestInit = {}, browser = shared): Promise<Hop> {
  const res = await browser.fetch(url, { ...init, headers: { accept: 'text/html,application/xhtml+xml', ...init.headers } });
  return { status: res.status, location: res.headers.get('location'), text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

export function loginUrl(cloudUrl: string, tenantId: string, returnTo: string): string {
  return `${cloudUrl}/auth/dingtalk?${new URLSearchParams({ tenant: tenantId, returnTo })}`;
}

/** GET /auth/dingtalk → the DingTalk authorize URL it redirects to. */
export async function beginLogin(cloudUrl: string, tenantId: string, returnTo: string, browser = shared): Promise<string> {
  const start = await hop(loginUrl(cloudUrl, tenantId, returnTo), {}, browser);
  if (start.status !== 302 || !start.location) throw new Error(`login start answered ${start.status}: ${start.text}`);
  return start.location;
}

/** GET /auth/login at the store (the console's "Sign in with DingTalk") → the DingTalk authorize URL, via the cloud. */
export async function beginLoginAtStore(localUrl: string, browser = shared): Promise<string> {
  const atStore = await hop(`${localUrl}/auth/login`, {}, browser);
  if (atStore.status !== 302 || !atStore.location) throw new Error(`the store's login start answered ${atStore.status}: ${atStore.text}`);
  const atCloud = await hop(atStore.location, {}, browser);
  if (atCloud.status !== 302 || !atCloud.location) throw new Error(`the cloud's login start answered ${atCloud.status}: ${atCloud.text}`);
  return atCloud.location;
}

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    if (name !== undefined && value !== undefined) fields[name] = value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
  }
  return fields;
}

/** DingTalk's login page: pick the person, allow (or deny) → where DingTalk sends the browser back. */
export async function consent(authorizeUrl: string, userid: string, decision: 'allow' | 'deny' = 'allow', browser = shared): Promise<string> {
  const page = await hop(authorizeUrl, {}, browser);
  if (page.status !== 200) throw new Error(`login page answered ${page.status}: ${page.text}`);
  const action = /<form id="consent-form" method="post" action="([^"]+)">/.exec(page.text)?.[1];
  if (!action) throw new Error('no consent form on the login page');
  const submitted = await hop(
    new URL(action, authorizeUrl).toString(),
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hiddenFields(page.text), userid, decision }).toString(),
    },
    browser,
  );
  if (submitted.status !== 302 || !submitted.location) throw new Error(`consent answered ${submitted.status}: ${submitted.text}`);
  return submitted.location;
}

export interface SignedIn {
  ticket: string;
  /** DingTalk's redirect back to the cloud, with its code and our state: single use. */
  callbackUrl: string;
  state: string;
  code: string;
  /** Where the cloud sent the browser at the end. */
  location: string;
}

function signedIn(callbackUrl: string, end: Hop, userid: string): SignedIn {
  const location = end.location ?? '';
  const ticket = end.status === 302 ? new URL(location).searchParams.get('ticket') : null;
  if (!ticket) throw new Error(`login of ${userid} ended with ${end.status} ${location}: ${end.text.slice(0, 300)}`);
  const params = new URL(callbackUrl).searchParams;
  return { ticket, callbackUrl, state: params.get('state') ?? '', code: params.get('authCode') ?? params.get('code') ?? '', location };
}

/** A login started at the cloud directly (an app of the tenant's own), up to the ticket at returnTo. */
export async function signIn(cloudUrl: string, tenantId: string, returnTo: string, userid: string, browser = shared): Promise<SignedIn> {
  const callbackUrl = await consent(await beginLogin(cloudUrl, tenantId, returnTo, browser), userid, 'allow', browser);
  return signedIn(callbackUrl, await hop(callbackUrl, {}, browser), userid);
}

/** A login started at the store, as the console starts it, up to the ticket the cloud sends back to the store. */
export async function signInAtStore(localUrl: string, userid: string, browser = shared): Promise<SignedIn> {
  const callbackUrl = await consent(await beginLoginAtStore(localUrl, browser), userid, 'allow', browser);
  return signedIn(callbackUrl, await hop(callbackUrl, {}, browser), userid);
}

/** POST /api/session from `browser` (its binding cookie goes along; the session cookie it gets is kept). */
export function redeemAtStore(localUrl: string, ticket: string, browser = shared): Promise<Response> {
  return browser.fetch(`${localUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ ticket }),
  });
}

/**
 * The cloud user token a login ticket carries, as a local store gets it: the ticket looked up with
 * the tenant's API key, its sealed token opened with the ticket.
 */
export async function cloudTokenOf(cloudUrl: string, apiKey: string, ticket: string): Promise<string> {
  const res = await fetch(`${cloudUrl}/v1/login-tickets/${encodeURIComponent(ticket)}`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (res.status !== 200) throw new Error(`ticket lookup answered ${res.status}`);
  return openWithTicket(ticket, LoginTicketSchema.parse(await res.json()).login.sealedCloudToken);
}

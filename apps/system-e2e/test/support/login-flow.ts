// "Sign in with DingTalk" as a browser without JavaScript does it: one redirect hop at a time (so
// each hop can be asserted), reading the simulator's consent form and submitting it.
import { LoginTicketSchema } from '@dtg/contracts';
import { openWithTicket } from '@dtg/service-kit';

export interface Hop {
  status: number;
  location: string | null;
  text: string;
  contentType: string;
}

export async function hop(url: string, init: RequestInit = {}): Promise<Hop> {
  const res = await fetch(url, { redirect: 'manual', ...init, headers: { accept: 'text/html,application/xhtml+xml', ...init.headers } });
  return { status: res.status, location: res.headers.get('location'), text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

export function loginUrl(cloudUrl: string, tenantId: string, returnTo: string): string {
  return `${cloudUrl}/auth/dingtalk?${new URLSearchParams({ tenant: tenantId, returnTo })}`;
}

/** GET /auth/dingtalk → the DingTalk authorize URL it redirects to. */
export async function beginLogin(cloudUrl: string, tenantId: string, returnTo: string): Promise<string> {
  const start = await hop(loginUrl(cloudUrl, tenantId, returnTo));
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

/** DingTalk's login page: pick the person, allow (or deny) → where DingTalk sends the browser back. */
export async function consent(authorizeUrl: string, userid: string, decision: 'allow' | 'deny' = 'allow'): Promise<string> {
  const page = await hop(authorizeUrl);
  if (page.status !== 200) throw new Error(`login page answered ${page.status}: ${page.text}`);
  const action = /<form id="consent-form" method="post" action="([^"]+)">/.exec(page.text)?.[1];
  if (!action) throw new Error('no consent form on the login page');
  const submitted = await hop(new URL(action, authorizeUrl).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hiddenFields(page.text), userid, decision }).toString(),
  });
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

export async function signIn(cloudUrl: string, tenantId: string, returnTo: string, userid: string): Promise<SignedIn> {
  const callbackUrl = await consent(await beginLogin(cloudUrl, tenantId, returnTo), userid);
  const end = await hop(callbackUrl);
  const location = end.location ?? '';
  const ticket = end.status === 302 ? new URL(location).searchParams.get('ticket') : null;
  if (!ticket) throw new Error(`login of ${userid} ended with ${end.status} ${location}: ${end.text.slice(0, 300)}`);
  const params = new URL(callbackUrl).searchParams;
  return { ticket, callbackUrl, state: params.get('state') ?? '', code: params.get('authCode') ?? params.get('code') ?? '', location };
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

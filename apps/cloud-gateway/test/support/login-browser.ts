// A browser without JavaScript, enough for the login: follows redirects one hop at a time (so each
// hop can be asserted), keeps cookies like a browser (`cookiejar`, as superagent does), reads the
// simulator's consent form and submits it like a person would. Each stack has one such browser;
// `otherBrowser()` makes another (an attacker's, a victim's).
import { CookieAccessInfo, CookieJar } from 'cookiejar';
import { PUBLIC_URL, type IdentityStack } from './identity-stack';

const browsers = new WeakMap<IdentityStack, CookieJar>();

function jarOf(stack: IdentityStack): CookieJar {
  let jar = browsers.get(stack);
  if (!jar) browsers.set(stack, (jar = new CookieJar()));
  return jar;
}

/** A browser with cookies of its own. */
export function otherBrowser(): CookieJar {
  return new CookieJar();
}

export interface Hop {
  status: number;
  location: string | null;
  text: string;
  contentType: string;
}

/** The cloud's public origin is served by the test harness on a random port. */
function route(stack: IdentityStack, url: string): string {
  return url.startsWith(`${PUBLIC_URL}/`) ? stack.cloud.url + url.slice(PUBLIC_URL.length) : url;
}

export async function hop(stack: IdentityStack, url: string, init: RequestInit = {}, jar = jarOf(stack)): Promise<Hop> {
  // Cookies are the browser's view: the URL it was sent to, before the harness maps the public origin.
  const { hostname, pathname, protocol } = new URL(url);
  const cookie = jar.getCookies(new CookieAccessInfo(hostname, pathname, protocol === 'https:')).toValueString();
  const headers = { accept: 'text/html,application/xhtml+xml', ...(cookie ? { cookie } : {}), ...init.headers };
  const res = await fetch(route(stack, url), { redirect: 'manual', ...init, headers });
  jar.setCookies(res.headers.getSetCookie(), hostname, pathname);
  return { status: res.status, location: res.headers.get('location'), text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

function startUrl(tenantId: string, returnTo: string, binding?: string): string {
  return `${PUBLIC_URL}/auth/dingtalk?${new URLSearchParams({ tenant: tenantId, returnTo, ...(binding ? { binding } : {}) })}`;
}

/** GET /auth/dingtalk → the DingTalk authorize URL it redirects to. */
export async function beginLogin(stack: IdentityStack, tenantId: string, returnTo: string, binding?: string): Promise<string> {
  const start = await hop(stack, startUrl(tenantId, returnTo, binding));
  if (start.status !== 302 || !start.location) throw new Error(`login start answered ${start.status}: ${start.text}`);
  return start.location;
}

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) fields[name] = value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
  }
  return fields;
}

/** Opens DingTalk's login page, picks the person, submits the consent form → where DingTalk sends the browser. */
export async function consent(
  stack: IdentityStack,
  authorizeUrl: string,
  choice: { userid: string; decision?: 'allow' | 'deny'; corpId?: string },
): Promise<string> {
  const page = await hop(stack, authorizeUrl);
  if (page.status !== 200) throw new Error(`login page answered ${page.status}: ${page.text}`);
  const action = /<form id="consent-form" method="post" action="([^"]+)">/.exec(page.text)?.[1];
  if (!action) throw new Error('no consent form on the login page');
  const form = new URLSearchParams({
    ...hiddenFields(page.text),
    userid: choice.userid,
    decision: choice.decision ?? 'allow',
    ...(choice.corpId ? { corpId: choice.corpId } : {}),
  });
  const submitted = await hop(stack, new URL(action, authorizeUrl).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (submitted.status !== 302 || !submitted.location) throw new Error(`consent answered ${submitted.status}: ${submitted.text}`);
  return submitted.location;
}

/** The whole login; returns the final hop (the cloud callback's answer). */
export async function signIn(
  stack: IdentityStack,
  tenantId: string,
  returnTo: string,
  choice: { userid: string; decision?: 'allow' | 'deny'; corpId?: string },
): Promise<Hop & { callbackUrl: string }> {
  const callbackUrl = await consent(stack, await beginLogin(stack, tenantId, returnTo), choice);
  return { ...(await hop(stack, callbackUrl)), callbackUrl };
}

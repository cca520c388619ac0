// `npm run bench:oidc`: the sign-in round trip of an app through the store's OpenID Connect
// provider, with the whole stack as deployed (bundles, simulator as DingTalk): a fresh browser
// (cookie jar, one redirect at a time) from the app's authorization request through the store's
// sign-in step, the cloud's DingTalk login and the simulator's consent page, back to the app with a
// code, then the code exchanged (PKCE) for tokens. 20 sign-ins, one after another; median and p90.
import { randomBytes } from 'node:crypto';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { CookieAccessInfo, CookieJar } from 'cookiejar';
import { call, startStack } from '@dtg/testkit';
import { percentile, progress, report, withPostgres, type BenchRow } from './bench-support';
import { benchMemory, watchStack } from './memory';

const SIGN_INS = Number(process.env.BENCH_OIDC_SIGN_INS ?? 20);
const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const REDIRECT_URI = 'http://127.0.0.1:9/cb';

/** A browser without JavaScript: one request at a time, redirects not followed, cookies kept. */
class Browser {
  private readonly jar = new CookieJar();

  async hop(url: string, init: RequestInit = {}): Promise<{ status: number; location: string | null; text: string }> {
    const { hostname, pathname, protocol } = new URL(url);
    const cookie = this.jar.getCookies(new CookieAccessInfo(hostname, pathname, protocol === 'https:')).toValueString();
    const res = await fetch(url, { redirect: 'manual', ...init, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...init.headers } });
    this.jar.setCookies(res.headers.getSetCookie(), hostname, pathname);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  /** The simulator's DingTalk login page: pick the person, allow; returns where it redirects. */
  async consent(pageUrl: string, html: string, userid: string): Promise<string> {
    const action = /<form id="consent-form" method="post" action="([^"]+)">/.exec(html)?.[1];
    if (!action) throw new Error('no consent form on the login page');
    const fields: Record<string, string> = {};
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      if (name !== undefined && value !== undefined) fields[name] = value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
    }
    const body = new URLSearchParams({ ...fields, userid, decision: 'allow' }).toString();
    const answer = await this.hop(new URL(action, pageUrl).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    if (!answer.location) throw new Error(`consent answered ${answer.status}`);
    return new URL(answer.location, pageUrl).toString();
  }
}

const challengeOf = async (verifier: string) => Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString('base64url');

/** One sign-in; returns its duration in ms. */
async function signIn(issuer: string, clientId: string, clientSecret: string, userid: string): Promise<number> {
  const browser = new Browser();
  const verifier = randomBytes(32).toString('base64url');
  const started = performance.now();
  let url = `${issuer}/oidc/auth?${new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid profile', state: 's', code_challenge: await challengeOf(verifier), code_challenge_method: 'S256' })}`;
  for (let hops = 0; !url.startsWith(REDIRECT_URI); hops++) {
    if (hops > 20) throw new Error(`no way back to the app after 20 hops (at ${url})`);
    const answer = await browser.hop(url);
    // The simulator's DingTalk login page: the person picks themselves and allows.
    if (answer.status === 200 && answer.text.includes('consent-form')) {
      url = await browser.consent(url, answer.text, userid);
      continue;
    }
    if (!answer.location) throw new Error(`${url} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    url = new URL(answer.location, url).toString();
  }
  const code = new URL(url).searchParams.get('code');
  if (!code) throw new Error(`the app got no code: ${url}`);
  const tokens = await fetch(`${issuer}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
  });
  const body = (await tokens.json()) as { id_token?: string };
  if (tokens.status !== 200 || !body.id_token) throw new Error(`token exchange answered ${tokens.status}`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const stack = await startStack({
    runtime: 'bundle',
    nodeArgs: SERVICE_NODE_ARGS,
    cloudEnv: { LOG_LEVEL: 'error' },
    localEnv: { LOG_LEVEL: 'error', LOCAL_ADMIN_TOKEN: ADMIN_TOKEN },
  });
  watchStack(stack);
  const rows: BenchRow[] = [];
  try {
    const registered = await call(stack.local.url, 'POST', '/api/oidc/clients', {
      token: ADMIN_TOKEN,
      body: { name: 'Bench app', redirectUris: [REDIRECT_URI], scopes: ['openid', 'profile'], firstParty: true },
    });
    if (registered.status !== 201) throw new Error(`registering the client answered ${registered.status}`);
    const { client, clientSecret } = registered.body as { client: { clientId: string }; clientSecret: string };
    console.log(`oidc: ${SIGN_INS} sign-ins through the store's provider (QR login via the cloud and the simulator)`);
    await signIn(stack.local.url, client.clientId, clientSecret, 'user001'); // warm-up: keys, JIT, connections
    const durations: number[] = [];
    for (let i = 0; i < SIGN_INS; i++) {
      durations.push(await signIn(stack.local.url, client.clientId, clientSecret, `user${String((i % 50) + 2).padStart(3, '0')}`));
      progress('sign-ins', i + 1, SIGN_INS);
    }
    durations.sort((a, b) => a - b);
    rows.push({ metric: `sign-in round trip, median of ${SIGN_INS}`, value: Math.round(percentile(durations, 50)), unit: 'ms' });
    rows.push({ metric: 'sign-in round trip p90', value: Math.round(percentile(durations, 90)), unit: 'ms' });
    rows.push({ metric: 'sign-in round trip max', value: Math.round(durations.at(-1) ?? Number.NaN), unit: 'ms' });
  } finally {
    benchMemory.sample();
    await stack.close();
  }
  report('oidc', rows);
}

withPostgres(main).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

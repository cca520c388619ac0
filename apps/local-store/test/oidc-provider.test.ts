// The store as an OpenID Connect provider, end to end: a real relying party (Express +
// openid-client) signs a person in through the store in Chromium, with the store's DingTalk
// sign-in (here the fake cloud's /auth/dingtalk) as the interaction. Then every refusal the spec
// asks for, and a person who left the organisation locked out of sign-in and refresh.
import type { UserProfile } from '@dtg/contracts';
import express from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { openChromium } from './support/chromium';
import { event, user } from './support/events';
import { startFakeCloud, type FakeCloud } from './support/fake-cloud';
import { freePort, listen, startRelyingParty, type RelyingParty } from './support/relying-party';
import { startTestStore, type TestStore } from './support/test-store';

const ALICE: UserProfile = user('alice01', {
  name: 'Alice Chen',
  email: 'alice@example.test',
  mobile: '+86-13800000001',
  unionId: 'union-alice',
  deptIds: [1, 7],
  admin: false,
});

describe('the local store as an OpenID Connect provider', () => {
  let cloud: FakeCloud;
  let store: TestStore;
  let storeServer: { url: string; close(): Promise<void> };
  let issuer: string;
  let chromium: { browser: Browser; page: Page; newPage(): Promise<Page> };
  let rp: RelyingParty;
  let seq = 0;
  // An app's redirect URI for the raw protocol tests: it only answers 200.
  let sink: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    cloud = await startFakeCloud();
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    store = await startTestStore({ cloudUrl: cloud.url, env: { LOCAL_PUBLIC_URL: issuer, CLOUD_PUBLIC_URL: cloud.url } });
    storeServer = await new Promise((resolve) => {
      const server = store.app.listen(port, '127.0.0.1', () =>
        resolve({ url: issuer, close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))) }),
      );
    });
    chromium = await openChromium();
    const sinkApp = express();
    sinkApp.get('/{*path}', (_req, res) => void res.send('back at the app'));
    sink = await listen(sinkApp);
  }, 60_000);
  afterAll(async () => {
    await chromium?.browser.close();
    await sink?.close();
    await rp?.close();
    await storeServer?.close();
    await store?.close();
    await cloud?.close();
  });

  async function register(
    name: string,
    redirectUris: string[],
    options: { firstParty?: boolean; public?: boolean; scopes?: string[]; postLogout?: string[] } = {},
  ) {
    return store.services.oidc.clients.register(
      {
        name,
        redirectUris,
        postLogoutRedirectUris: options.postLogout ?? [],
        scopes: (options.scopes ?? ['openid', 'profile', 'email', 'phone', 'dingtalk', 'offline_access']) as never,
        public: options.public ?? false,
        firstParty: options.firstParty ?? false,
      },
      'test',
    );
  }

  it('when a person signs in to an app through the store in Chromium, then the app gets a verified id_token, userinfo, refresh and logout', async () => {
    cloud.signInAs = ALICE;
    const port = await freePort();
    const app = await register('Expense reports', [`http://127.0.0.1:${port}/cb`], { postLogout: [`http://127.0.0.1:${port}/signed-out`] });
    rp = await startRelyingParty(issuer, { port, clientId: app.client.clientId, clientSecret: app.clientSecret, scope: 'openid profile email phone dingtalk' });

    const { page } = chromium;
    await page.goto(`${rp.url}/login`);
    // Not first-party: the store asks before the app learns anything.
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    expect(await page.textContent('main')).toContain('Expense reports wants to sign you in');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${rp.url}/cb?**`);
    expect(rp.lastError).toBeUndefined();
    const signedIn = rp.last;
    if (!signedIn) throw new Error('the RP has no sign-in');
    expect(cloud.returns).toEqual([`${issuer}/oidc/callback`]);

    // openid-client checked the id_token's signature against the JWKS, iss, aud, nonce-less code flow; check it independently too.
    const jwks = createRemoteJWKSet(new URL(`${issuer}/oidc/jwks`));
    const { payload, protectedHeader } = await jwtVerify(signedIn.tokens.id_token ?? '', jwks, { issuer, audience: app.client.clientId });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(signedIn.claims.sub);
    expect(payload.sub).not.toContain('alice01');
    expect(payload).toMatchObject({
      name: 'Alice Chen',
      email: 'alice@example.test',
      userid: 'alice01',
      unionid: 'union-alice',
      department_ids: [1, 7],
      org_admin: false,
    });

    const info = await client.fetchUserInfo(rp.config, signedIn.tokens.access_token, signedIn.claims.sub);
    expect(info).toMatchObject({ sub: payload.sub, name: 'Alice Chen', email: 'alice@example.test', phone_number: '+86-13800000001', userid: 'alice01' });

    // A tampered id_token (another sub, the same signature) does not verify.
    const [head, body, signature] = (signedIn.tokens.id_token ?? '').split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString('base64url');
    await expect(jwtVerify(`${head}.${forged}.${signature}`, jwks, { issuer })).rejects.toThrow(/signature/);
    expect(body).toBeDefined();

    const refreshed = await client.refreshTokenGrant(rp.config, signedIn.tokens.refresh_token ?? '');
    expect(refreshed.access_token).not.toBe(signedIn.tokens.access_token);
    expect(refreshed.claims()?.sub).toBe(payload.sub);

    // The store's console is signed in by the same sign-in.
    const cookies = await page.context().cookies(issuer);
    expect(cookies.map((cookie) => cookie.name)).toContain('dtg_session');

    // RP-initiated logout: the provider asks, then signs out of the provider and the store.
    const signOutPage = page.waitForResponse((res) => res.url().startsWith(`${issuer}/oidc/session/end`) && res.request().method() === 'GET');
    await page.goto(`${rp.url}/logout`);
    // The provider's own page carries the store's page headers; its answer may go back to the app only.
    const headers = (await signOutPage).headers();
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain(`form-action 'self' http://127.0.0.1:${port}`);
    await page.getByRole('button', { name: /yes/i }).click();
    await page.waitForURL(`${rp.url}/signed-out`);
    expect((await page.context().cookies(issuer)).map((cookie) => cookie.name)).not.toContain('dtg_session');
  });

  it('when a signed-in person opens a first-party app, then they are neither sent to DingTalk again nor asked for consent', async () => {
    cloud.signInAs = ALICE;
    const { page } = chromium;
    const port = await freePort();
    const first = await register('Intranet', [`http://127.0.0.1:${port}/cb`], { firstParty: true });
    const intranet = await startRelyingParty(issuer, { port, clientId: first.client.clientId, clientSecret: first.clientSecret, scope: 'openid profile' });
    try {
      const before = cloud.returns.length;
      await page.goto(`${intranet.url}/login`);
      await page.waitForURL(`${intranet.url}/cb?**`);
      expect(cloud.returns.length).toBe(before + 1); // signed out by the last test: one DingTalk sign-in
      expect(intranet.last?.claims.name).toBe('Alice Chen');

      await page.goto(`${intranet.url}/login`);
      await page.waitForURL(`${intranet.url}/cb?**`);
      expect(cloud.returns.length).toBe(before + 1);
      expect(intranet.lastError).toBeUndefined();
    } finally {
      await intranet.close();
    }
  });

  /** Runs an authorization request in the browser and returns what came back to `redirectUri` (the sink app). */
  async function authorize(clientId: string, redirectUri: string, params: Record<string, string>): Promise<URLSearchParams> {
    const { page } = chromium;
    await page.goto(
      `${issuer}/oidc/auth?${new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile', ...params })}`,
    );
    await page.waitForURL(`${redirectUri}**`, { timeout: 5000 }).catch(async (error: unknown) => {
      throw new Error(`never back at ${redirectUri}: at ${page.url()} showing ${await page.textContent('body')}`, { cause: error });
    });
    return new URL(page.url()).searchParams;
  }

  const tokenRequest = (body: Record<string, string>, auth?: string) =>
    fetch(`${issuer}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}) },
      body: new URLSearchParams(body),
    });

  it('when requests break the rules, then each is refused as the spec says and nothing is issued', async () => {
    cloud.signInAs = ALICE;
    const spa = await register('Team board', [`${sink.url}/spa-cb`], { public: true, firstParty: true, scopes: ['openid', 'profile', 'offline_access'] });
    const other = await register('Other app', [`${sink.url}/other-cb`], { firstParty: true });
    const spaId = spa.client.clientId;

    // Unknown client and an unregistered redirect URI: an error page at the store, never a redirect to the URI.
    const unknown = await fetch(
      `${issuer}/oidc/auth?${new URLSearchParams({ client_id: 'cli_nope', redirect_uri: `${sink.url}/spa-cb`, response_type: 'code', scope: 'openid' })}`,
      { redirect: 'manual' },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    expect(await unknown.text()).toContain('invalid_client');
    const foreign = await fetch(
      `${issuer}/oidc/auth?${new URLSearchParams({ client_id: other.client.clientId, redirect_uri: `${sink.url}/spa-cb`, response_type: 'code', scope: 'openid' })}`,
      {
        redirect: 'manual',
      },
    );
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
    expect(await foreign.text()).toContain('redirect_uri did not match any of the client');

    // A public client without PKCE: sent back with invalid_request, no code.
    const noPkce = await authorize(spaId, `${sink.url}/spa-cb`, { state: 's1' });
    expect(noPkce.get('error')).toBe('invalid_request');
    expect(noPkce.get('code')).toBeNull();

    const verifier = client.randomPKCECodeVerifier();
    const challenge = await client.calculatePKCECodeChallenge(verifier);
    const back = await authorize(spaId, `${sink.url}/spa-cb`, {
      state: 's2',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'openid profile offline_access',
      prompt: 'consent',
    });
    const code = back.get('code') ?? '';
    expect(code).not.toBe('');
    const exchange = (codeVerifier: string) =>
      tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: `${sink.url}/spa-cb`, client_id: spaId, code_verifier: codeVerifier });

    // A wrong verifier is refused; the right one works once; the same code again is refused.
    const wrong = await exchange(client.randomPKCECodeVerifier());
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_grant');
    const first = await exchange(verifier);
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as { access_token: string; refresh_token: string; id_token: string };
    expect(tokens.refresh_token).toBeTruthy();
    const reused = await exchange(verifier);
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: string }).error).toBe('invalid_grant');

    // A revoked refresh token no longer refreshes.
    const revoked = await fetch(`${issuer}/oidc/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token, client_id: spaId }),
    });
    expect(revoked.status).toBe(200);
    const refresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: spaId });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('when a person leaves the organisation, then their refresh token stops working and they can no longer sign in', async () => {
    const bob = user('bob02', { name: 'Bob Li' });
    cloud.signInAs = bob;
    const { page } = chromium;
    await page.context().clearCookies();
    const spa = await register('Leave board', [`${sink.url}/leave-cb`], { public: true, firstParty: true, scopes: ['openid', 'profile', 'offline_access'] });
    const verifier = client.randomPKCECodeVerifier();
    const params = {
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      scope: 'openid offline_access',
      prompt: 'consent',
    };
    const back = await authorize(spa.client.clientId, `${sink.url}/leave-cb`, { ...params, state: 'l1' });
    const exchanged = await tokenRequest({
      grant_type: 'authorization_code',
      code: back.get('code') ?? '',
      redirect_uri: `${sink.url}/leave-cb`,
      client_id: spa.client.clientId,
      code_verifier: verifier,
    });
    const tokens = (await exchanged.json()) as { refresh_token: string };
    expect(tokens.refresh_token).toBeTruthy();

    // The contact event: bob leaves.
    const removed = await store.push(event('user.removed', ++seq, { userids: ['bob02'] }));
    expect(removed.body.status).toBe('applied');

    const refresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: spa.client.clientId });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');

    // Signing in again: his store session ended with the event, and DingTalk's ticket is refused for a person who left.
    const again = await authorize(spa.client.clientId, `${sink.url}/leave-cb`, { ...params, state: 'l2' });
    expect(again.get('error')).toBe('access_denied');
    expect(again.get('code')).toBeNull();
  });
});

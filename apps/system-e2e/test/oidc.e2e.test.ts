// Apps signing people in through the local store's OpenID Connect provider, across real processes
// (simulator, cloud, store) in Chromium: a relying party written as an integrator would (Express +
// openid-client), once with the DingTalk QR login through the cloud, once opened inside the DingTalk
// client (no click at all).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO } from '@dtg/dingtalk-sim';
import express from 'express';
import * as client from 'openid-client';
import { openBrowser, withFailureScreenshot, type BrowserSession } from './support/chromium';
import { call, freePort, startStack, type Stack } from '@dtg/testkit';

const ADMIN_TOKEN = 'e2e-local-admin-token-0123456789';
const DINGTALK_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 DingTalk(7.6.0) nw Channel/201200';

interface App {
  url: string;
  signedIn: client.IDToken[];
  close(): Promise<void>;
}

/** The integrator's app: /login starts the code flow with PKCE, /cb finishes it (id_token verified by openid-client). */
async function startApp(issuer: string, port: number, clientId: string, clientSecret: string): Promise<App> {
  const config = await client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(clientSecret), {
    execute: [client.allowInsecureRequests],
  });
  const url = `http://127.0.0.1:${port}`;
  const pending = new Map<string, string>();
  const signedIn: client.IDToken[] = [];
  const app = express();
  app.get('/login', async (_req, res) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    pending.set(state, verifier);
    const challenge = await client.calculatePKCECodeChallenge(verifier);
    res.redirect(
      client.buildAuthorizationUrl(config, {
        redirect_uri: `${url}/cb`,
        scope: 'openid profile dingtalk',
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).href,
    );
  });
  app.get('/cb', async (req, res) => {
    const current = new URL(req.originalUrl, url);
    const state = current.searchParams.get('state') ?? '';
    try {
      const tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.get(state), expectedState: state });
      const claims = tokens.claims();
      if (claims) signedIn.push(claims);
      res.send(`<h1>Hello ${claims?.['name'] as string}</h1>`);
    } catch (error) {
      res.status(400).send(`<h1>Refused</h1><p>${(error as Error).message}</p>`);
    }
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  expect((server.address() as AddressInfo).port).toBe(port);
  return { url, signedIn, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

describe('apps signing people in through the store (OpenID Connect) across real processes', () => {
  let stack: Stack;
  let browser: BrowserSession;
  let app: App;

  beforeAll(async () => {
    const [started, opened] = await Promise.allSettled([startStack({ localEnv: { LOCAL_ADMIN_TOKEN: ADMIN_TOKEN } }), openBrowser()]);
    if (started.status === 'fulfilled') stack = started.value;
    if (opened.status === 'fulfilled') browser = opened.value;
    for (const outcome of [started, opened]) if (outcome.status === 'rejected') throw outcome.reason;
    const port = await freePort();
    const registered = await call(stack.local.url, 'POST', '/api/oidc/clients', {
      token: ADMIN_TOKEN,
      body: { name: 'Intranet', redirectUris: [`http://127.0.0.1:${port}/cb`], scopes: ['openid', 'profile', 'dingtalk'], firstParty: true },
    });
    expect(registered.status).toBe(201);
    const { client: created, clientSecret } = registered.body as { client: { clientId: string }; clientSecret: string };
    app = await startApp(stack.local.url, port, created.clientId, clientSecret);
  }, 90_000);
  afterAll(async () => {
    await app?.close();
    await browser?.close();
    await stack?.close();
  });

  it('when a person signs in to the app with the DingTalk QR login, then the app gets their verified identity', async () => {
    const page = await (await browser.browser.newContext()).newPage();
    page.setDefaultTimeout(20_000);
    await withFailureScreenshot(page, 'oidc-qr', async () => {
      await page.goto(`${app.url}/login`);
      await page.getByLabel('Person').selectOption('user002');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('heading', { name: /^Hello / }).waitFor();
    });
    const claims = app.signedIn.at(-1);
    expect(claims).toMatchObject({ iss: stack.local.url, userid: 'user002', name: expect.any(String), department_ids: expect.any(Array) });
    expect(claims?.sub).not.toBe('user002');
  });

  it('when the app is opened inside the DingTalk client, then the person is signed in to it without a click', async () => {
    const page = await (await browser.browser.newContext({ userAgent: DINGTALK_UA })).newPage();
    page.setDefaultTimeout(20_000);
    const before = app.signedIn.length;
    await withFailureScreenshot(page, 'oidc-in-app', async () => {
      await page.goto(`${stack.sim.url}/_sim/client?${new URLSearchParams({ corpId: DEMO.corpId, userid: 'user003', url: `${app.url}/login` })}`);
      await page.getByRole('heading', { name: /^Hello / }).waitFor();
    });
    expect(app.signedIn.length).toBe(before + 1);
    expect(app.signedIn.at(-1)).toMatchObject({ iss: stack.local.url, userid: 'user003' });
  });

  it('when an org admin registers an app on the console, then its secret is shown once and the app is listed, then removed', async () => {
    const page = await (await browser.browser.newContext({ locale: 'en-GB' })).newPage();
    page.setDefaultTimeout(20_000);
    await withFailureScreenshot(page, 'oidc-console-apps', async () => {
      await page.goto(`${stack.local.url}/`);
      await page.getByRole('link', { name: 'Sign in with DingTalk' }).click();
      await page.getByLabel('Person').selectOption('user001');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.getByRole('link', { name: 'Sign-in apps' }).click();
      await page.getByLabel('App name (shown on the consent screen)').fill('Expense reports');
      await page.getByLabel(/^Redirect URIs, one per line/).fill('https://expenses.corp.example/callback');
      await page.getByRole('button', { name: 'Register app' }).click();
      const secret = await page.getByLabel('The new client secret').textContent();
      expect(secret).toMatch(/^dtgc_/);
      await page.getByRole('cell', { name: 'https://expenses.corp.example/callback' }).waitFor();
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Remove Expense reports' }).click();
      await page.getByText('“Expense reports” is removed.').waitFor();
    });
    const { rows } = await stack.pg.query<{ n: number }>("SELECT count(*)::int AS n FROM oidc_clients WHERE name = 'Expense reports'");
    expect(rows[0]?.n).toBe(0);
  });
});

// Sign-in inside the DingTalk client (免登) across real processes: the simulator's DingTalk client
// opens the store's console as a person, the console asks for dd.config's arguments (the cloud signs
// them with the org's JSAPI ticket), gets an auth code from the (simulated) client, and the cloud
// exchanges it (getuserinfo with the tenant's app token) for a ticket on the QR login's path — no click.
import { createHash } from 'node:crypto';
import { DEMO } from '@dtg/dingtalk-sim';
import { withFailureScreenshot } from './support/chromium';
import { useBrowserStack } from './support/browser-stack';
import { call, startStack } from '@dtg/testkit';

const DINGTALK_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 DingTalk(7.6.0) nw Channel/201200 language/en-US';

describe('sign-in inside the DingTalk client', () => {
  const env = useBrowserStack(() => startStack());

  it('when the console is opened as an H5 page inside DingTalk, then the person is signed in without a click', async () => {
    const context = await env.browser.browser.newContext({ userAgent: DINGTALK_UA });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await withFailureScreenshot(page, 'in-app-login', async () => {
      const opened = `${env.stack.sim.url}/_sim/client?${new URLSearchParams({ corpId: DEMO.corpId, userid: 'user002', url: `${env.stack.local.url}/` })}`;
      await page.goto(opened);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/');
      const { rows } = await env.stack.pg.query<{ userid: string }>('SELECT userid FROM sessions');
      expect(rows.map((row) => row.userid)).toEqual(['user002']);
    });
    await context.close();
  });

  it('when a page asks for its dd.config signature, then it is SHA-1 over the org’s JSAPI ticket as DingTalk computes it, and only for registered origins', async () => {
    const url = `${env.stack.local.url}/in-app?next=x#frag`;
    const signed = await call(env.stack.cloud.url, 'POST', '/v1/jsapi-signatures', { token: env.stack.tenant.apiKey, body: { url } });
    expect(signed.status).toBe(200);
    const body = signed.body as { corpId: string; timeStamp: string; nonceStr: string; signature: string };
    expect(body.corpId).toBe(DEMO.corpId);
    const ticket = ((await (await fetch(`${env.stack.sim.url}/_sim/orgs/${DEMO.corpId}/jsapi-ticket`)).json()) as { ticket: string }).ticket;
    const expected = createHash('sha1')
      .update(`jsapi_ticket=${ticket}&noncestr=${body.nonceStr}&timestamp=${body.timeStamp}&url=${env.stack.local.url}/in-app?next=x`)
      .digest('hex');
    expect(body.signature).toBe(expected);

    const foreign = await call(env.stack.cloud.url, 'POST', '/v1/jsapi-signatures', {
      token: env.stack.tenant.apiKey,
      body: { url: 'https://evil.example.test/page' },
    });
    expect(foreign.status).toBe(400);
  });

  it('when an auth code is used twice or is made up, then the cloud refuses it and issues no ticket', async () => {
    const { code } = (await (await fetch(`${env.stack.sim.url}/_sim/orgs/${DEMO.corpId}/users/user003/auth-code`, { method: 'POST' })).json()) as {
      code: string;
    };
    const binding = createHash('sha256').update('browser-binding').digest('hex');
    const first = await call(env.stack.cloud.url, 'POST', '/v1/in-app-logins', { token: env.stack.tenant.apiKey, body: { authCode: code, binding } });
    expect(first.status).toBe(201);
    const again = await call(env.stack.cloud.url, 'POST', '/v1/in-app-logins', { token: env.stack.tenant.apiKey, body: { authCode: code, binding } });
    expect(again.status).toBe(401);
    const madeUp = await call(env.stack.cloud.url, 'POST', '/v1/in-app-logins', { token: env.stack.tenant.apiKey, body: { authCode: 'not-a-code', binding } });
    expect(madeUp.status).toBe(401);
  });
});

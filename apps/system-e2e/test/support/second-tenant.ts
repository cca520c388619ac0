// A second tenant on the same cloud, in the simulator's second org with an internal app of its own
// (added to the fixture), so cross-tenant checks can use real API keys, logins and user tokens of
// both sides. It has no local store: it pulls, and nobody pulls in these tests. Works on a Stack or
// a DrillStack: it needs only the simulator's URL and the cloud's admin API.
import { randomBytes } from 'node:crypto';
import { DEMO } from '@dtg/dingtalk-sim';
import { type AdminCall, type CreatedTenant, createTenant, simControl } from '@dtg/testkit';
import type { HandledSecrets } from './secret-scan';

export interface SecondTenant extends CreatedTenant {
  appSecret: string;
  returnTo: string;
}

interface StackWithAdmin {
  sim: { url: string };
  admin: AdminCall;
}

/** `handled`: where a security test collects the credentials it handled; the new tenant's go there too. */
export async function provisionSecondTenant(stack: StackWithAdmin, returnTo: string, handled?: HandledSecrets): Promise<SecondTenant> {
  const app = {
    appKey: 'dingsecondapp001',
    appSecret: `second-${randomBytes(18).toString('base64url')}`,
    corpId: DEMO.secondCorpId,
    agentId: 400001,
    appName: 'Second Org App',
    callbackToken: 'secondAppToken',
    aesKey: randomBytes(32).toString('hex').slice(0, 43),
    unionIdPrefix: 'unionb-',
    redirectUriPatterns: ['http://localhost:*', 'http://127.0.0.1:*'],
  };
  const fixture = await simControl<{ apps: object[] }>(stack.sim.url, 'GET', '/fixture');
  // Loading a fixture resets the simulated world: this must run before anything else uses it.
  await simControl(stack.sim.url, 'POST', '/fixture', { ...fixture, apps: [...fixture.apps, app] });
  const tenant = await createTenant(stack.admin, {
    name: DEMO.secondCorpName,
    corpId: DEMO.secondCorpId,
    appKey: app.appKey,
    appSecret: app.appSecret,
    agentId: app.agentId,
    returnUrls: [returnTo],
  });
  handled?.keep('second tenant API key', tenant.apiKey);
  handled?.keep('second tenant webhook secret', tenant.webhookSecret);
  handled?.keep('second app secret', app.appSecret);
  return { ...tenant, appSecret: app.appSecret, returnTo };
}

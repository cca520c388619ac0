// A second tenant on the same cloud, in the simulator's second org with an internal app of its own
// (added to the fixture), so cross-tenant checks can use real API keys, logins and user tokens of
// both sides. It has no local store: it pulls, and nobody pulls in these tests.
import { randomBytes } from 'node:crypto';
import { DEMO } from '@dtg/dingtalk-sim';
import type { DrillStack, DrillTenant } from './drill-stack';
import { simControl } from './sim-control';

export interface SecondTenant extends DrillTenant {
  appSecret: string;
  returnTo: string;
}

export async function provisionSecondTenant(stack: DrillStack, returnTo: string): Promise<SecondTenant> {
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
  const created = await stack.admin<{ tenant: { id: string }; apiKey: { key: string }; webhookSecret: string }>('POST', '/admin/tenants', {
    name: DEMO.secondCorpName,
    corpId: DEMO.secondCorpId,
    appKey: app.appKey,
    appSecret: app.appSecret,
    agentId: app.agentId,
    returnUrls: [returnTo],
  });
  if (created.status !== 201) throw new Error(`second tenant: ${created.status} ${JSON.stringify(created.body)}`);
  return { id: created.body.tenant.id, apiKey: created.body.apiKey.key, webhookSecret: created.body.webhookSecret, appSecret: app.appSecret, returnTo };
}

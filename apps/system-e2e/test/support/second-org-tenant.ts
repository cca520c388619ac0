// Tenant B for cross-tenant checks: the simulator's second org with an internal app of its own
// (added to the fixture), created through the cloud's admin API. It has no local store.
import { DEMO, type Fixture, type InternalApp } from '@dtg/dingtalk-sim';
import { simControl } from './calls';
import type { Stack, Tenant } from './stack';

export interface SecondOrgTenant extends Tenant {
  /** Its registered return URL (nothing listens there: tests read the redirect, not the page). */
  returnTo: string;
}

const SECOND_APP: InternalApp = {
  appKey: 'dinge2esecondapp',
  appSecret: 'e2e-second-app-secret-0123456789',
  corpId: DEMO.secondCorpId,
  agentId: 400001,
  appName: 'Second Org App',
  callbackToken: 'secondAppToken',
  aesKey: 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut',
  unionIdPrefix: 'union2-',
  redirectUriPatterns: ['http://localhost:*', 'http://127.0.0.1:*'],
};

/** Loading a fixture resets the simulated world: call this before anything else uses the simulator. */
export async function createSecondOrgTenant(stack: Stack): Promise<SecondOrgTenant> {
  const fixture = await simControl<Fixture>(stack, 'GET', '/_sim/fixture');
  await simControl(stack, 'POST', '/_sim/fixture', { ...fixture, apps: [...fixture.apps, SECOND_APP] });
  const returnTo = 'http://127.0.0.1:9/second-org-app/';
  const created = await stack.admin('POST', '/admin/tenants', {
    name: DEMO.secondCorpName,
    corpId: DEMO.secondCorpId,
    appKey: SECOND_APP.appKey,
    appSecret: SECOND_APP.appSecret,
    agentId: SECOND_APP.agentId,
    returnUrls: [returnTo],
  });
  if (created.status !== 201) throw new Error(`tenant B: ${created.status} ${JSON.stringify(created.body)}`);
  return { id: created.body.tenant.id, apiKey: created.body.apiKey.key, webhookSecret: created.body.webhookSecret, returnTo };
}

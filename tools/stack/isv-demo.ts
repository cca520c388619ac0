// `npm start -- --isv`: the demo also runs the third-party (suite) path, so the ISV sign-in and send
// can be clicked through without reading the configuration table. The cloud gets the simulator's
// demo suite (SUITE_KEY …), the simulator pushes the suite's events (suite_ticket first) to the
// cloud, and a second demo tenant — the demo org's install of the suite (mode isv) — is served by a
// second local store on its own port, with its own database in the first store's embedded Postgres.
import { DEMO } from '@dtg/dingtalk-sim';
import { say } from './processes';
import type { DemoTenant } from './stack-env';

export const ISV_TENANT_ID = 'ten_demo_isv';
/** The second store's database, next to the first store's `local_store`. */
export const ISV_STORE_DATABASE = 'local_store_isv';

/** The suite's settings for the cloud: the simulator's demo suite, its events by HTTP callbacks. */
export const ISV_CLOUD_ENV = {
  SUITE_KEY: DEMO.suite.suiteKey,
  SUITE_SECRET: DEMO.suite.suiteSecret,
  SUITE_CALLBACK_TOKEN: DEMO.suite.callbackToken,
  SUITE_CALLBACK_AES_KEY: DEMO.suite.aesKey,
} as const;

async function ok(res: Response, what: string): Promise<void> {
  if (!res.ok) throw new Error(`could not ${what}: ${res.status} ${await res.text()}`);
}

/** The simulator pushes the suite's events to the cloud, starting with a fresh suite_ticket (corp tokens need one). */
export async function pointSuiteAtCloud(simUrl: string, cloudUrl: string): Promise<void> {
  const json = { 'content-type': 'application/json' };
  await ok(
    await fetch(`${simUrl}/_sim/callbacks`, { method: 'PUT', headers: json, body: JSON.stringify({ suiteUrl: `${cloudUrl}/callbacks/dingtalk/suite` }) }),
    "point the simulator's suite callbacks at the cloud",
  );
  await ok(await fetch(`${simUrl}/_sim/suite/ticket`, { method: 'POST', headers: json, body: '{}' }), 'push a suite_ticket');
}

/**
 * The demo org's install of the suite as a tenant with the stack's generated credentials. The
 * simulator's demo org has the suite installed (agent DEMO.suite.agentId); a later authorisation
 * event from DingTalk finds this tenant by corpId and keeps it.
 */
export async function ensureIsvTenant(
  cloudUrl: string,
  adminToken: string,
  tenant: DemoTenant,
  store: { webhookUrl: string; returnUrls: string[] },
): Promise<void> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const found = await fetch(`${cloudUrl}/admin/tenants/${tenant.tenantId}`, { headers });
  if (found.ok) return;
  const created = await fetch(`${cloudUrl}/admin/tenants`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: `${DEMO.corpName} (suite)`,
      corpId: DEMO.corpId,
      mode: 'isv',
      agentId: DEMO.suite.agentId,
      ...store,
      credentials: { id: tenant.tenantId, apiKey: tenant.apiKey, webhookSecret: tenant.webhookSecret },
    }),
  });
  await ok(created, 'create the ISV demo tenant');
  say('stack', `provisioned ISV demo tenant ${tenant.tenantId} (the demo org's install of suite ${DEMO.suite.suiteKey})`);
}

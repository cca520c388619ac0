// `npm start`: the whole stack on this machine — DingTalk simulator, cloud gateway, local store
// (embedded Postgres unless DATABASE_URL is set) — with a demo tenant provisioned against the
// simulator's demo org on first run. `npm start -- --isv` adds the third-party (suite) path: a
// second tenant, the demo org's install of the suite, with a second store (isv-demo.ts).
// Ctrl-C stops everything cleanly.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DEMO } from '@dtg/dingtalk-sim';
import { APPS, bundle, bundlePath } from '../build/bundle';
import { say, startProcess, stopAll, waitHealthy } from './processes';
import { databaseInRunningEmbeddedPostgres } from '@dtg/local-store';
import { ensureIsvTenant, ISV_CLOUD_ENV, ISV_STORE_DATABASE, ISV_TENANT_ID, pointSuiteAtCloud } from './isv-demo';
import { ISV_TENANT_FILE, loadOrCreateDemoTenant, loadOrCreateSecrets, writeCloudSettings, type DemoTenant } from './stack-env';

const isv = process.argv.slice(2).includes('--isv');
/** Stopped before the others (see startIsvStore). */
const stopFirst: ChildProcess[] = [];

const ports = {
  local: Number(process.env.LOCAL_PORT ?? 3000),
  localIsv: Number(process.env.LOCAL_ISV_PORT ?? 3001),
  cloud: Number(process.env.CLOUD_PORT ?? 3100),
  sim: Number(process.env.SIM_PORT ?? 3200),
};
const urls = {
  local: `http://localhost:${ports.local}`,
  localIsv: `http://localhost:${ports.localIsv}`,
  cloud: `http://localhost:${ports.cloud}`,
  sim: `http://localhost:${ports.sim}`,
};

/**
 * The demo tenant's credentials are generated once and kept in .data/, so the local store can
 * start at the same time as the cloud; the tenant is then ensured over the admin API (created
 * with exactly these credentials when missing, e.g. after the cloud's database was deleted).
 */
async function ensureDemoTenant(cloudUrl: string, adminToken: string, tenant: DemoTenant): Promise<void> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const returnUrls = [`${urls.local}/`, `http://127.0.0.1:${ports.local}/`, `${urls.local}/oidc/callback`];
  // The demo app's event callbacks (the simulator pushes contact changes to the cloud with these).
  const callbacks = { callbackToken: DEMO.app.callbackToken, callbackAesKey: DEMO.app.aesKey };
  const found = await fetch(`${cloudUrl}/admin/tenants/${tenant.tenantId}`, { headers });
  if (found.ok) {
    // A demo tenant made by an older release may lack a return URL added since (the OIDC callback).
    const updated = await fetch(`${cloudUrl}/admin/tenants/${tenant.tenantId}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ returnUrls, ...callbacks }),
    });
    if (!updated.ok) throw new Error(`could not update the demo tenant: ${updated.status} ${await updated.text()}`);
    return;
  }
  const created = await fetch(`${cloudUrl}/admin/tenants`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: DEMO.corpName,
      corpId: DEMO.corpId,
      mode: 'internal',
      appKey: DEMO.app.appKey,
      appSecret: DEMO.app.appSecret,
      agentId: DEMO.app.agentId,
      webhookUrl: `http://127.0.0.1:${ports.local}/webhooks/cloud`,
      returnUrls,
      ...callbacks,
      credentials: { id: tenant.tenantId, apiKey: tenant.apiKey, webhookSecret: tenant.webhookSecret },
    }),
  });
  if (created.status !== 201) throw new Error(`could not create the demo tenant: ${created.status} ${await created.text()}`);
  say('stack', `provisioned demo tenant ${tenant.tenantId}`);
}

async function pointSimulatorAtCloud(simUrl: string, tenantId: string): Promise<void> {
  const appUrl = `http://127.0.0.1:${ports.cloud}/callbacks/dingtalk?tenant=${tenantId}`;
  const res = await fetch(`${simUrl}/_sim/callbacks`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appUrl }) });
  if (!res.ok) throw new Error(`could not point the simulator's callbacks at the cloud: ${res.status} ${await res.text()}`);
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stack', 'stopping…');
    // The suite tenant's store first: it uses the first store's embedded Postgres.
    await stopAll(stopFirst);
    await stopAll(children);
    process.exit(code);
  };
  // Signal handlers cannot wait; stop() ends the process itself.
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const started = Date.now();
  // The services run as they are deployed: built bundles on plain node (a fraction of a second to build).
  await Promise.all(APPS.map(bundle));
  const secrets = loadOrCreateSecrets();
  const sim = startProcess('sim', bundlePath('dingtalk-sim'), { SIM_PORT: String(ports.sim) });
  children.push(sim);

  const simUrl = `http://127.0.0.1:${ports.sim}`;
  const cloudSettings = {
    PUBLIC_URL: urls.cloud,
    DINGTALK_LOGIN_URL: `${urls.sim}`,
    DINGTALK_API_URL: simUrl,
    DINGTALK_OAPI_URL: simUrl,
    // The demo's local store listens on this machine.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...(isv ? ISV_CLOUD_ENV : {}),
  };
  writeCloudSettings(cloudSettings);
  const cloudEnv = { ...secrets, ...cloudSettings, PORT: String(ports.cloud) };
  const tenant = loadOrCreateDemoTenant();
  const cloud = startProcess('cloud', bundlePath('cloud-gateway'), cloudEnv);
  children.push(cloud);
  const storeEnv = (port: number, publicUrl: string, served: DemoTenant) => ({
    PORT: String(port),
    CLOUD_URL: `http://127.0.0.1:${ports.cloud}`,
    // The console's browser signs in and sends through the cloud under the name it prints.
    CLOUD_PUBLIC_URL: urls.cloud,
    // The OpenID Connect issuer (apps sign people in through the store under this name).
    LOCAL_PUBLIC_URL: publicUrl,
    CLOUD_API_KEY: served.apiKey,
    TENANT_ID: served.tenantId,
    WEBHOOK_SECRETS: served.webhookSecret,
  });
  const local = startProcess('local', bundlePath('local-store'), storeEnv(ports.local, urls.local, tenant));
  children.push(local);

  await Promise.all([
    // The simulated org pushes its contact changes to the demo tenant's callback URL, as DingTalk would.
    waitHealthy('sim', `${simUrl}/_sim/clock`, sim).then(() => pointSimulatorAtCloud(simUrl, tenant.tenantId)),
    waitHealthy('cloud', `http://127.0.0.1:${ports.cloud}/healthz`, cloud).then(() =>
      ensureDemoTenant(`http://127.0.0.1:${ports.cloud}`, secrets.ADMIN_TOKEN, tenant),
    ),
    waitHealthy('local', `http://127.0.0.1:${ports.local}/healthz`, local),
  ]);
  if (isv) await startIsvStore(children, storeEnv, simUrl, secrets.ADMIN_TOKEN);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say('stack', `ready in ${seconds}s`);
  say('stack', `  Console (open this):   ${urls.local}/`);
  say('stack', `  Cloud gateway:         ${urls.cloud}/docs   (admin token in ${path.join('.data', 'stack-secrets.json')})`);
  say('stack', `  Operator console:      ${urls.cloud}/admin/console   (an account: npm run admin -- operator create --name you --role admin)`);
  say('stack', `  DingTalk simulator:    ${urls.sim}/_sim/clock`);
  say('stack', '  Click "Sign in with DingTalk", pick any person of the demo org, then sync the directory and send a notification.');
  if (isv) say('stack', `  Suite (ISV) tenant:    ${urls.localIsv}/   (the same demo org, signed in and sent through the suite's corp token)`);
  say('stack', '  Ctrl-C stops everything; data stays in .data/ for the next start.');

  for (const child of children) child.on('exit', () => void stop(1));
}

/**
 * The second store (the suite's tenant), in its own database of the first store's embedded
 * Postgres — or in DATABASE_URL_ISV when the first store uses DATABASE_URL.
 */
async function startIsvStore(
  children: ChildProcess[],
  storeEnv: (port: number, publicUrl: string, served: DemoTenant) => Record<string, string>,
  simUrl: string,
  adminToken: string,
): Promise<void> {
  const cloudUrl = `http://127.0.0.1:${ports.cloud}`;
  const tenant = loadOrCreateDemoTenant(ISV_TENANT_ID, ISV_TENANT_FILE);
  await pointSuiteAtCloud(simUrl, cloudUrl);
  await ensureIsvTenant(cloudUrl, adminToken, tenant, {
    webhookUrl: `http://127.0.0.1:${ports.localIsv}/webhooks/cloud`,
    returnUrls: [`${urls.localIsv}/`, `http://127.0.0.1:${ports.localIsv}/`, `${urls.localIsv}/oidc/callback`],
  });
  const databaseUrl = process.env.DATABASE_URL_ISV ?? (process.env.DATABASE_URL ? undefined : await databaseInRunningEmbeddedPostgres(ISV_STORE_DATABASE));
  if (!databaseUrl) throw new Error("--isv with DATABASE_URL needs DATABASE_URL_ISV: a second database for the suite tenant's store");
  const store = startProcess('local-isv', bundlePath('local-store'), { ...storeEnv(ports.localIsv, urls.localIsv, tenant), DATABASE_URL: databaseUrl });
  children.push(store);
  stopFirst.push(store);
  await waitHealthy('local-isv', `http://127.0.0.1:${ports.localIsv}/healthz`, store);
}

main().catch((err: unknown) => {
  say('stack', `failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

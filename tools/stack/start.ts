// `npm start`: the whole stack on this machine — DingTalk simulator, cloud gateway, local store
// (embedded Postgres unless DATABASE_URL is set) — with a demo tenant provisioned against the
// simulator's demo org on first run. Ctrl-C stops everything cleanly.
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO } from '@dtg/dingtalk-sim';
import { say, startProcess, stopAll, waitHealthy } from './processes';
import { loadDemoTenant, loadOrCreateSecrets, ROOT, saveDemoTenant, type DemoTenant } from './stack-env';

const run = promisify(execFile);
const ports = {
  local: Number(process.env.LOCAL_PORT ?? 3000),
  cloud: Number(process.env.CLOUD_PORT ?? 3100),
  sim: Number(process.env.SIM_PORT ?? 3200),
};
const urls = {
  local: `http://localhost:${ports.local}`,
  cloud: `http://localhost:${ports.cloud}`,
  sim: `http://localhost:${ports.sim}`,
};

async function admin(env: Record<string, string>, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'apps/cloud-gateway/src/admin/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** Reuses the tenant from an earlier start when it still exists; creates it otherwise. */
async function provisionDemoTenant(cloudEnv: Record<string, string>): Promise<DemoTenant> {
  const known = loadDemoTenant();
  if (known) {
    const found = await admin(cloudEnv, ['tenant', 'show', known.tenantId]).catch(() => undefined);
    if (found) return known;
  }
  const returnUrls = [`${urls.local}/`, `http://127.0.0.1:${ports.local}/`].flatMap((u) => ['--return-url', u]);
  const created = (await admin(cloudEnv, [
    'tenant', 'create', '--name', DEMO.corpName, '--corp-id', DEMO.corpId, '--mode', 'internal',
    '--app-key', DEMO.app.appKey, '--app-secret', DEMO.app.appSecret, '--agent-id', String(DEMO.app.agentId),
    '--webhook-url', `http://127.0.0.1:${ports.local}/webhooks/cloud`, ...returnUrls,
  ])) as { tenant: { id: string }; apiKey: { key: string }; webhookSecret: string };
  const tenant = { tenantId: created.tenant.id, apiKey: created.apiKey.key, webhookSecret: created.webhookSecret };
  saveDemoTenant(tenant);
  say('stack', `provisioned demo tenant ${tenant.tenantId}`);
  return tenant;
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stack', 'stopping…');
    await stopAll(children);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const started = Date.now();
  const secrets = loadOrCreateSecrets();
  const sim = startProcess('sim', 'apps/dingtalk-sim/src/main.ts', { SIM_PORT: String(ports.sim) });
  children.push(sim);

  const simUrl = `http://127.0.0.1:${ports.sim}`;
  const cloudEnv = {
    ...secrets,
    PORT: String(ports.cloud),
    PUBLIC_URL: urls.cloud,
    DINGTALK_LOGIN_URL: `${urls.sim}`,
    DINGTALK_API_URL: simUrl,
    DINGTALK_OAPI_URL: simUrl,
  };
  const tenant = await provisionDemoTenant(cloudEnv);
  const cloud = startProcess('cloud', 'apps/cloud-gateway/src/main.ts', cloudEnv);
  children.push(cloud);
  const local = startProcess('local', 'apps/local-store/src/main.ts', {
    PORT: String(ports.local),
    CLOUD_URL: `http://127.0.0.1:${ports.cloud}`,
    // The console's browser signs in and sends through the cloud under the name it prints.
    CLOUD_PUBLIC_URL: urls.cloud,
    CLOUD_API_KEY: tenant.apiKey,
    TENANT_ID: tenant.tenantId,
    WEBHOOK_SECRETS: tenant.webhookSecret,
  });
  children.push(local);

  await Promise.all([
    waitHealthy('sim', `${simUrl}/_sim/clock`, sim),
    waitHealthy('cloud', `http://127.0.0.1:${ports.cloud}/healthz`, cloud),
    waitHealthy('local', `http://127.0.0.1:${ports.local}/healthz`, local),
  ]);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say('stack', `ready in ${seconds}s`);
  say('stack', `  Console (open this):   ${urls.local}/`);
  say('stack', `  Cloud gateway:         ${urls.cloud}/docs   (admin token in ${path.join('.data', 'stack-secrets.json')})`);
  say('stack', `  DingTalk simulator:    ${urls.sim}/_sim/clock`);
  say('stack', '  Click "Sign in with DingTalk", pick any person of the demo org, then sync the directory and send a notification.');
  say('stack', '  Ctrl-C stops everything; data stays in .data/ for the next start.');

  for (const child of children) child.on('exit', () => void stop(1));
}

main().catch((err: unknown) => {
  say('stack', `failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

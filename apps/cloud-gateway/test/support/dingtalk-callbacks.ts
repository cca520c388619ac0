// Test helpers around DingTalk callbacks into an in-process cloud: what was stored, the tenant's
// events, a warm-up push. Signing and posting a push is @dtg/testkit's (signPush, postCallback).
import { DEMO } from '@dtg/dingtalk-sim';
import { postCallback, signPush, type CallbackKeys } from '@dtg/testkit';
import { ADMIN_TOKEN, type CloudHarness } from './cloud-harness';

export interface PushOutcome {
  httpStatus: number;
  acknowledged: boolean;
}

/** What a test asserts "nothing was processed" against. */
export async function callbackFootprint(h: CloudHarness) {
  const db = h.services.db;
  return {
    events: await db.callbackEvent.count(),
    jobs: await db.job.count({ where: { kind: 'callback.process' } }),
    outbox: await db.event.count(),
  };
}

export async function adminCall(h: CloudHarness, adminToken: string, method: string, path: string, body?: unknown) {
  const res = await fetch(h.url + path, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The demo org's internal app as a tenant of `h`; `extra` adds admin-API fields. Throws unless 201. */
export async function createDemoTenant(
  h: CloudHarness,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; apiKey: string; tenant: Record<string, unknown> }> {
  const created = await adminCall(h, ADMIN_TOKEN, 'POST', '/admin/tenants', {
    name: 'Demo',
    corpId: DEMO.corpId,
    appKey: DEMO.app.appKey,
    appSecret: DEMO.app.appSecret,
    agentId: DEMO.app.agentId,
    ...extra,
  });
  if (created.status !== 201) throw new Error(`tenant creation answered ${created.status}: ${JSON.stringify(created.body)}`);
  const tenant = created.body.tenant as Record<string, unknown> & { id: string };
  return { id: tenant.id, apiKey: (created.body.apiKey as { key: string }).key, tenant };
}

/** The tenant's events as a local store would pull them. */
export async function pullEvents(h: CloudHarness, apiKey: string): Promise<Array<{ type: string; seq: number; data: Record<string, unknown> }>> {
  const res = await fetch(`${h.url}/v1/events?after=0&limit=1000`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (res.status !== 200) throw new Error(`pull → ${res.status}`);
  return ((await res.json()) as { events: Array<{ type: string; seq: number; data: Record<string, unknown> }> }).events;
}

/**
 * A fresh process answers its first request slowly (lazy compilation, first transaction); on a busy
 * CI machine that can exceed DingTalk's 1,200 ms deadline, which is DingTalk's retry's business, not
 * the test's. One URL check before the simulator pushes keeps the deadline assertions meaningful.
 */
export async function warmUp(url: string, keys: CallbackKeys): Promise<void> {
  const answer = await postCallback(url, signPush(keys, { EventType: 'check_url' }));
  if (answer.status !== 200) throw new Error(`warm-up check_url → ${answer.status} ${JSON.stringify(answer.body)}`);
}

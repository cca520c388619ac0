// Scheduled directory reconcile: every tenant's directory is walked again on a schedule, so changes
// whose contact callbacks were lost still arrive; the walk gives its runner slot back between steps,
// so one tenant's walk never holds up another tenant's sends.
import { DEMO, startSimulator, type RunningSim } from '@dtg/dingtalk-sim';
import { ADMIN_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';
import { adminCall, createDemoTenant, pullEvents } from './support/dingtalk-callbacks';
import { simControl, waitFor } from '@dtg/testkit';

let sim: RunningSim;
let h: CloudHarness;
beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});
afterAll(() => sim.close());
beforeEach(() => simControl(sim.url, 'POST', '/reset'));
afterEach(() => h.close());

const env = (extra: Record<string, string>) => ({ DINGTALK_LOGIN_URL: sim.url, DINGTALK_API_URL: sim.url, DINGTALK_OAPI_URL: sim.url, ...extra });

const internalTenant = (extra: Record<string, unknown> = {}) => createDemoTenant(h, extra);

const tenantRow = (id: string) => h.services.db.tenant.findUniqueOrThrow({ where: { id } });

describe('scheduled directory reconcile', () => {
  it('when the schedule comes round, then the whole directory is walked unasked, and changes whose callbacks were lost arrive', async () => {
    h = await startCloud({ env: env({ DIRECTORY_RECONCILE_INTERVAL: '2s' }) });
    const { id, apiKey } = await internalTenant();
    const first = await waitFor(
      async () => h.services.db.directorySync.findFirst({ where: { tenantId: id, status: 'completed' } }),
      'a scheduled reconcile',
      20_000,
    );
    expect(first.usersSeen).toBe(DEMO.userCount);
    // No callback is configured: these changes reach the cloud only through the next reconcile.
    await simControl(sim.url, 'PATCH', `/orgs/${DEMO.corpId}/users/user050`, { title: 'Found by the reconcile' });
    await simControl(sim.url, 'DELETE', `/orgs/${DEMO.corpId}/users/user051`);
    const events = await waitFor(
      async () => {
        const all = await pullEvents(h, apiKey);
        const changed = all.some((e) => e.type === 'user.upserted' && JSON.stringify(e.data).includes('Found by the reconcile'));
        const removed = all.some((e) => e.type === 'user.removed' && (e.data['userids'] as string[]).includes('user051'));
        return changed && removed ? all : undefined;
      },
      'the lost changes',
      20_000,
    );
    expect(events.filter((e) => e.type === 'user.removed').flatMap((e) => e.data['userids'] as string[])).toEqual(['user051']);
    expect((await tenantRow(id)).nextReconcileAt?.getTime()).toBeGreaterThan(first.startedAt.getTime());
  }, 40_000);

  it('when a tenant sets its own interval or off, or gives a bad one, then its schedule follows; bad input is a 400 naming the field', async () => {
    h = await startCloud({ env: env({ DIRECTORY_RECONCILE_INTERVAL: '1d' }) });
    const { id } = await internalTenant({ reconcileInterval: '6h' });
    const scheduled = await waitFor(async () => (await tenantRow(id)).nextReconcileAt, 'the first slot');
    expect(scheduled.getTime() - Date.now()).toBeLessThanOrEqual(6 * 3600_000);
    expect(scheduled.getTime()).toBeGreaterThan(Date.now());

    const off = await adminCall(h, ADMIN_TOKEN, 'PATCH', `/admin/tenants/${id}`, { reconcileInterval: 'off' });
    expect(off.body).toMatchObject({ reconcileIntervalMs: 0, nextReconcileAt: null });
    const bad = await adminCall(h, ADMIN_TOKEN, 'PATCH', `/admin/tenants/${id}`, { reconcileInterval: '5s' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('reconcileInterval');
    expect((await tenantRow(id)).reconcileIntervalMs).toBe(0);

    const back = await adminCall(h, ADMIN_TOKEN, 'PATCH', `/admin/tenants/${id}`, { reconcileInterval: null });
    expect(back.body).toMatchObject({ reconcileIntervalMs: null });
    const daily = await waitFor(async () => (await tenantRow(id)).nextReconcileAt, 'a slot from the deployment default');
    expect(daily.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    // Anchored at 03:00 China time, shifted by at most an hour per tenant.
    const minutesAfterAnchor = (((daily.getTime() + 8 * 3600_000) % 86_400_000) - 3 * 3600_000) / 60_000;
    expect(minutesAfterAnchor).toBeGreaterThanOrEqual(0);
    expect(minutesAfterAnchor).toBeLessThan(60);
  });

  it('when the deployment switches reconciles off, then no tenant gets a slot, whatever its own interval', async () => {
    h = await startCloud({ env: env({ DIRECTORY_RECONCILE_INTERVAL: 'off' }) });
    const { id } = await internalTenant({ reconcileInterval: '1h' });
    const createdAt = (await tenantRow(id)).createdAt.getTime();
    // A pass that settled after the tenant existed (one that began before it is run again at once: runSoon).
    const scheduler = () => h.services.db.job.findUnique({ where: { id: 'job_directory_reconcile_scheduler' } });
    await waitFor(
      async () => {
        const job = await scheduler();
        return job !== null && job.status === 'queued' && job.updatedAt.getTime() > createdAt;
      },
      'a scheduler pass after the tenant was created',
      5000,
    );
    expect((await tenantRow(id)).nextReconcileAt).toBeNull();
    expect(await h.services.db.directorySync.count()).toBe(0);
  });
});

describe('fairness between tenants', () => {
  it('when one tenant’s walk holds the only runner slot, then another tenant’s message is still dispatched before the walk ends', async () => {
    h = await startCloud({
      env: env({
        JOB_CONCURRENCY: '1',
        // Every DingTalk call of the walk waits for the client-side rate limit: the walk takes seconds.
        DINGTALK_QPS: '3',
        DIRECTORY_RECONCILE_INTERVAL: 'off',
        SUITE_KEY: DEMO.suite.suiteKey,
        SUITE_SECRET: DEMO.suite.suiteSecret,
      }),
    });
    const walker = await internalTenant();
    await h.services.dingtalk.tickets.save(DEMO.suite.suiteKey, DEMO.suite.initialTicket);
    const isv = await adminCall(h, ADMIN_TOKEN, 'POST', '/admin/tenants', {
      name: 'Demo via the suite',
      corpId: DEMO.corpId,
      mode: 'isv',
      agentId: DEMO.suite.agentId,
    });
    expect(isv.status).toBe(201);
    const sender = { id: (isv.body.tenant as { id: string }).id, apiKey: (isv.body.apiKey as { key: string }).key };

    const sync = await fetch(`${h.url}/v1/directory/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${walker.apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(sync.status).toBe(202);
    await waitFor(async () => (await h.services.db.directorySync.findFirst({ where: { tenantId: walker.id } }))?.departmentsSeen, 'the walk under way');

    const sent = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sender.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recipients: { userIds: ['user003'] }, msg: { msgtype: 'text', text: { content: 'not behind the walk' } } }),
    });
    expect(sent.status).toBe(202);
    await waitFor(
      async () => {
        const tasks = await simControl<Array<{ sender: { key: string } }>>(sim.url, 'GET', '/tasks');
        return tasks.some((t) => t.sender.key === `${DEMO.suite.suiteKey}:${DEMO.corpId}`);
      },
      'the other tenant’s notification at DingTalk',
      20_000,
    );
    const walk = await h.services.db.directorySync.findFirstOrThrow({ where: { tenantId: walker.id } });
    expect(walk.status).toBe('running');
    await waitFor(
      async () => await h.services.db.directorySync.findFirst({ where: { tenantId: walker.id, status: 'completed' } }),
      'the walk completes',
      60_000,
    );
  }, 90_000);
});

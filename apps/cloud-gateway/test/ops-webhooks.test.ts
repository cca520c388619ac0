// Operational webhooks (issue #24): a tenant's store that stays down past ENDPOINT_DISABLE_AFTER
// gets its endpoint disabled and the operator's receiver is sent endpoint.disabled, signed with
// Standard Webhooks; re-enabling resumes the waiting deliveries. Real HTTP receivers on both ends,
// real time in milliseconds (a short threshold from config), waits on state only.
import { randomBytes } from 'node:crypto';
import { waitFor } from '@dtg/testkit';
import { call, createTenant, METRICS_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';
import { startReceiver, type WebhookReceiver } from './support/webhook-receiver';

const OPS_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

describe('operational webhooks', () => {
  let store: WebhookReceiver;
  let operator: WebhookReceiver;
  let h: CloudHarness | undefined;

  beforeEach(async () => {
    store = await startReceiver();
    operator = await startReceiver([OPS_SECRET]);
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await store.close();
    await operator.close();
  });

  async function start(env: Record<string, string>) {
    h = await startCloud({
      env: { OPS_WEBHOOK_URL: operator.url.replace('/webhooks/cloud', '/ops'), OPS_WEBHOOK_SECRET: OPS_SECRET, JOB_POLL_INTERVAL: '50ms', ...env },
    });
    const created = await createTenant(h, { webhookUrl: store.url });
    const tenantId = created.tenant.id;
    store.secrets.push(created.webhookSecret);
    return { h, tenantId };
  }

  const received = (type: string) => operator.received.filter((r) => (r.body as unknown as { type: string }).type === type);

  it('when a store stays down past the threshold, then its endpoint is disabled, the operator is told once, and re-enabling resumes delivery', async () => {
    store.respond = () => ({ status: 503 });
    // Retries every 100 ms for far longer than the 400 ms threshold: the endpoint is disabled before anything goes dead.
    const { h, tenantId } = await start({ WEBHOOK_RETRY_SCHEDULE: Array(60).fill('100ms').join(','), ENDPOINT_DISABLE_AFTER: '400ms' });
    await call(h, 'POST', `/admin/tenants/${tenantId}/test-events`, { count: 3 });

    await waitFor(() => received('endpoint.disabled').length > 0, 'endpoint.disabled at the operator');
    const [disabled] = received('endpoint.disabled');
    expect(disabled?.verified).toBe(true);
    expect(disabled?.headers['webhook-signature']).toMatch(/^v1,/);
    const body = disabled?.body as unknown as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(body.data).toMatchObject({ tenantId, tenantName: 'Acme', pendingDeliveries: 3, lastError: 'HTTP 503' });
    expect(Date.parse(body.data.disabledAt as string) - Date.parse(body.data.failingSince as string)).toBeGreaterThanOrEqual(400);

    const shown = await call(h, 'GET', `/admin/tenants/${tenantId}`);
    expect(shown.body.endpoint).toMatchObject({ state: 'disabled' });

    // Disabled: nothing more is pushed, new events wait in the outbox, and pull still serves them.
    await h.services.dispatcher.drain();
    const pushesWhenDisabled = store.received.length;
    await call(h, 'POST', `/admin/tenants/${tenantId}/test-events`, { count: 2 });
    await h.services.dispatcher.drain();
    expect(store.received.length).toBe(pushesWhenDisabled);
    expect(await h.services.db.delivery.count({ where: { tenantId, status: 'pending' } })).toBe(5);
    await h.services.jobs.drain();
    expect(received('endpoint.disabled')).toHaveLength(1);

    store.respond = () => ({ status: 200 });
    const enabled = await call(h, 'POST', `/admin/tenants/${tenantId}/enable-endpoint`);
    expect([enabled.status, enabled.body]).toEqual([200, { tenantId, wasDisabled: true, resumed: 5 }]);
    await waitFor(async () => (await h.services.db.delivery.count({ where: { tenantId, status: 'delivered' } })) === 5, 'all five delivered');
    expect(store.received.filter((r) => r.verified).length).toBeGreaterThanOrEqual(5);
    expect((await call(h, 'GET', `/admin/tenants/${tenantId}`)).body.endpoint).toEqual({ state: 'healthy', failingSince: null, disabledAt: null });

    const metrics = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toContain(`dtg_push_attempts_total{tenant="${tenantId}",outcome="delivered",service="cloud-gateway"} 5`);
    expect(metrics).toMatch(new RegExp(`dtg_push_attempts_total\\{tenant="${tenantId}",outcome="failed",service="cloud-gateway"\\} [1-9]`));
    expect(metrics).toContain('dtg_ops_events_total{type="endpoint.disabled",service="cloud-gateway"} 1');
  });

  it('when a store answers again before the threshold, then its endpoint is never disabled', async () => {
    store.respond = (_r, n) => ({ status: n <= 2 ? 503 : 200 });
    const { h, tenantId } = await start({ WEBHOOK_RETRY_SCHEDULE: '50ms,50ms,50ms,50ms', ENDPOINT_DISABLE_AFTER: '1h' });
    await call(h, 'POST', `/admin/tenants/${tenantId}/test-events`, { count: 1 });
    await waitFor(() => store.received.length >= 2, 'two failed pushes');
    expect((await call(h, 'GET', `/admin/tenants/${tenantId}`)).body.endpoint).toMatchObject({ state: 'failing' });
    await waitFor(async () => (await h.services.db.delivery.count({ where: { tenantId, status: 'delivered' } })) === 1, 'delivered');
    expect((await call(h, 'GET', `/admin/tenants/${tenantId}`)).body.endpoint).toMatchObject({ state: 'healthy', failingSince: null });
    await h.services.jobs.drain();
    expect(operator.received).toHaveLength(0);
  });

  it('when retries run out, then delivery.dead names each dead delivery, signed', async () => {
    store.respond = () => ({ status: 500 });
    const { h, tenantId } = await start({ WEBHOOK_RETRY_SCHEDULE: '20ms,20ms', ENDPOINT_DISABLE_AFTER: 'off' });
    await call(h, 'POST', `/admin/tenants/${tenantId}/test-events`, { count: 2 });
    await waitFor(async () => (await h.services.db.delivery.count({ where: { tenantId, status: 'dead' } })) === 2, 'both dead');
    await waitFor(
      () => received('delivery.dead').reduce((n, r) => n + ((r.body as unknown as { data: { count: number } }).data.count ?? 0), 0) === 2,
      'both reported',
    );
    const reports = received('delivery.dead');
    expect(reports.every((r) => r.verified)).toBe(true);
    const deliveries = reports.flatMap((r) => (r.body as unknown as { data: { deliveries: Array<Record<string, unknown>> } }).data.deliveries);
    expect(deliveries.map((d) => d.seq).sort()).toEqual([1, 2]);
    expect(deliveries[0]).toMatchObject({ eventType: 'test.ping', attempts: 3, lastError: 'HTTP 500' });
    expect((await call(h, 'GET', `/admin/tenants/${tenantId}`)).body.endpoint).toMatchObject({ state: 'failing' });
  });

  it("when the operator's receiver fails, then the same event is sent again until it is taken", async () => {
    store.respond = () => ({ status: 500 });
    operator.respond = (_r, n) => ({ status: n === 1 ? 503 : 200 });
    const { h, tenantId } = await start({ WEBHOOK_RETRY_SCHEDULE: '20ms', ENDPOINT_DISABLE_AFTER: 'off' });
    await call(h, 'POST', `/admin/tenants/${tenantId}/test-events`, { count: 1 });
    // The first retry waits at least 5 s (the wait grows with the event's age).
    await waitFor(() => operator.received.length >= 2, 'the event sent again', 30_000);
    const [first, second] = operator.received;
    expect(second?.id).toBe(first?.id);
    expect(second?.verified).toBe(true);
    await waitFor(async () => (await h.services.db.job.count({ where: { kind: 'ops.webhook', status: 'done' } })) === 1, 'the ops job done');
  }, 60_000);

  it('when the next retry is hours away, then the periodic check still disables the endpoint on time', async () => {
    store.respond = () => ({ status: 503 });
    const { h, tenantId } = await start({ WEBHOOK_RETRY_SCHEDULE: '1h', ENDPOINT_DISABLE_AFTER: '300ms', OPS_CHECK_INTERVAL: '100ms' });
    await call(h, 'POST', `/admin/tenants/${tenantId}/test-events`, { count: 1 });
    await waitFor(() => received('endpoint.disabled').length > 0, 'endpoint.disabled from the periodic check');
    // One push only: the retry an hour away never ran.
    expect(store.received).toHaveLength(1);
    expect((await call(h, 'GET', `/admin/tenants/${tenantId}`)).body.endpoint).toMatchObject({ state: 'disabled' });
  });
});

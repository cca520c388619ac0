import { call, createTenant as createTenantIn, otherConnection, startCloud, type CloudHarness } from './support/cloud-harness';
import { startReceiver, type WebhookReceiver } from './support/webhook-receiver';
import { waitFor } from '@dtg/testkit';

async function emit(h: CloudHarness, tenantId: string, n: number, userPrefix = 'user') {
  for (let i = 0; i < n; i++) {
    await h.services.sqldb.write(async (tx) =>
      h.services.outbox.append(tx, tenantId, 'user.upserted', { users: [{ userid: `${userPrefix}${i}`, name: `N${i}`, deptIds: [1], active: true }] }),
    );
  }
}

describe('event spine (cloud side)', () => {
  let h: CloudHarness;
  let receiver: WebhookReceiver;
  /** The cloud's clock follows the machine's unless a test stops it (and moves it by hand). */
  let stoppedClock: number | undefined;

  beforeEach(async () => {
    stoppedClock = undefined;
    receiver = await startReceiver();
    h = await startCloud({ env: { WEBHOOK_RETRY_SCHEDULE: '50ms,50ms,50ms' }, overrides: { now: () => stoppedClock ?? Date.now() } });
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  const createTenant = (fields: Record<string, unknown> = {}) => createTenantIn(h, { webhookUrl: receiver.url, ...fields });

  it('when a tenant is created, then the secrets are shown once and stored sealed', async () => {
    const created = await createTenant();
    expect(created.webhookSecret).toMatch(/^whsec_/);
    expect(created.apiKey.key).toMatch(/^dtg_/);
    const row = await h.services.db.tenant.findUniqueOrThrow({ where: { id: created.tenant.id } });
    expect(row.webhookSecretEnc).not.toContain(created.webhookSecret.slice(6, 20));
    expect(row.appSecretEnc).not.toContain('app-secret-value');
    const key = await h.services.db.apiKey.findFirstOrThrow({ where: { tenantId: created.tenant.id } });
    expect(key.hash).not.toContain(created.apiKey.key);
    const shown = await call(h, 'GET', `/admin/tenants/${created.tenant.id}`);
    expect(JSON.stringify(shown.body)).not.toMatch(/whsec_|app-secret-value|"hash"/);
  });

  it('when events are appended, then seq is gap-free per tenant and each is pushed signed', async () => {
    const a = await createTenant();
    const b = await createTenant();
    receiver.secrets.push(a.webhookSecret, b.webhookSecret);
    await emit(h, a.tenant.id, 5);
    await emit(h, b.tenant.id, 3);
    await waitFor(() => receiver.received.length >= 8, '8 pushes');
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const seqs = (tenantId: string) =>
      receiver.received
        .filter((r) => r.headers['webhook-id'] && (r.body as { tenantId?: string }).tenantId === tenantId)
        .map((r) => r.body.seq)
        .sort((x, y) => x - y);
    expect(seqs(a.tenant.id)).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(b.tenant.id)).toEqual([1, 2, 3]);
    expect(receiver.received[0]?.headers['webhook-signature']).toMatch(/^v1,/);
    await waitFor(async () => (await h.services.db.delivery.count({ where: { status: 'delivered' } })) === 8, 'all delivered');
  });

  it('when the receiver keeps failing, then attempts are recorded and the delivery ends dead, replayable', async () => {
    const t = await createTenant();
    receiver.respond = () => ({ status: 500 });
    await emit(h, t.tenant.id, 1);
    await waitFor(async () => (await h.services.db.delivery.count({ where: { status: 'dead' } })) === 1, 'dead delivery');
    expect(await h.services.db.deliveryAttempt.count()).toBe(4);
    const dead = await call(h, 'GET', '/admin/deliveries?status=dead');
    expect(dead.body.items).toHaveLength(1);
    expect(dead.body.items[0]).toMatchObject({ attempts: 4, lastError: 'HTTP 500', seq: 1 });

    receiver.respond = () => ({ status: 204 });
    const replay = await call(h, 'POST', `/admin/tenants/${t.tenant.id}/replay`, { fromSeq: 1 });
    expect(replay.body).toEqual({ requeued: 1, created: 0 });
    await waitFor(async () => (await h.services.db.delivery.count({ where: { status: 'delivered' } })) === 1, 'replayed');
  });

  it('when the receiver answers 429 with Retry-After, then the next attempt waits at least that long', async () => {
    const t = await createTenant();
    receiver.respond = (_r, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    await emit(h, t.tenant.id, 1);
    // The cloud's clock stands still from here, so "due" is decided by the test, not by how loaded the machine is.
    const firstAt = Date.now();
    stoppedClock = firstAt;
    await h.services.dispatcher.drain();
    expect(receiver.received).toHaveLength(1);
    const delivery = await h.services.db.delivery.findFirstOrThrow({ where: { tenantId: t.tenant.id } });
    // Retry-After (1 s), not the 50 ms schedule.
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 429', nextAttemptAt: new Date(firstAt + 1000) });

    stoppedClock = firstAt + 999;
    await h.services.dispatcher.drain();
    expect(receiver.received).toHaveLength(1);

    stoppedClock = firstAt + 1000;
    await h.services.dispatcher.drain();
    expect(receiver.received).toHaveLength(2);
    expect(await h.services.db.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('when a tenant is suspended, then it gets no pushes and its key is refused; activating resumes', async () => {
    const t = await createTenant();
    // Used once first: a key the cloud has seen is refused as soon as its tenant is suspended.
    expect((await call(h, 'GET', '/v1/events?after=0', undefined, t.apiKey.key)).status).toBe(200);
    await call(h, 'POST', `/admin/tenants/${t.tenant.id}/suspend`);
    await emit(h, t.tenant.id, 2);
    // Every push due now has been attempted and recorded: a suspended tenant's would have been.
    await h.services.dispatcher.drain();
    expect(receiver.received).toHaveLength(0);
    const pull = await call(h, 'GET', '/v1/events?after=0', undefined, t.apiKey.key);
    expect(pull.status).toBe(403);
    expect(pull.type).toContain('application/problem+json');
    await call(h, 'POST', `/admin/tenants/${t.tenant.id}/activate`);
    await waitFor(() => receiver.received.length === 2, 'pushes after activation');
  });

  it('when pulling, then events come in seq order with a cursor, and only the key owner’s', async () => {
    const a = await createTenant({ webhookUrl: undefined });
    const b = await createTenant({ webhookUrl: undefined });
    await emit(h, a.tenant.id, 5);
    await emit(h, b.tenant.id, 2, 'b');
    const page1 = await call(h, 'GET', '/v1/events?after=0&limit=3', undefined, a.apiKey.key);
    expect(page1.status).toBe(200);
    expect(page1.body.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3]);
    expect(page1.body.next).toBe(3);
    // The tenant's newest seq: how far behind a reader at `next` is.
    expect(page1.body.lastSeq).toBe(5);
    const page2 = await call(h, 'GET', `/v1/events?after=${page1.body.next}&limit=3`, undefined, a.apiKey.key);
    expect(page2.body.events.map((e: { seq: number }) => e.seq)).toEqual([4, 5]);
    const empty = await call(h, 'GET', '/v1/events?after=5', undefined, a.apiKey.key);
    expect(empty.body).toEqual({ events: [], next: 5, lastSeq: 5 });
    const other = await call(h, 'GET', '/v1/events?after=0', undefined, b.apiKey.key);
    expect(other.body.events.every((e: { tenantId: string }) => e.tenantId === b.tenant.id)).toBe(true);
    expect(await h.services.db.delivery.count()).toBe(0);
  });

  it('when credentials are missing, wrong or revoked, then 401 problem+json', async () => {
    const t = await createTenant();
    expect((await call(h, 'GET', '/v1/events', undefined, 'dtg_nope')).status).toBe(401);
    expect((await call(h, 'GET', '/admin/tenants', undefined, 'wrong-admin-token')).status).toBe(401);
    const keyId = (await h.services.db.apiKey.findFirstOrThrow({ where: { tenantId: t.tenant.id } })).id;
    expect((await call(h, 'GET', '/v1/events', undefined, t.apiKey.key)).status).toBe(200);
    await call(h, 'DELETE', `/admin/api-keys/${keyId}`);
    const res = await call(h, 'GET', '/v1/events', undefined, t.apiKey.key);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(res.body.requestId).toEqual(expect.any(String));
  });

  it('when another process (the admin CLI) suspends a tenant or revokes a key in use, then the next call sees it', async () => {
    const t = await createTenant();
    const events = () => call(h, 'GET', '/v1/events', undefined, t.apiKey.key);
    expect((await events()).status).toBe(200);
    const other = await otherConnection(h.databaseUrl);
    try {
      await other.run(`UPDATE "Tenant" SET status = 'suspended' WHERE id = ?`, t.tenant.id);
      expect((await events()).status).toBe(403);
      await other.run(`UPDATE "Tenant" SET status = 'active' WHERE id = ?`, t.tenant.id);
      expect((await events()).status).toBe(200);
      // Changes the authenticator does not watch leave the key working.
      await other.run('UPDATE "ApiKey" SET "lastUsedAt" = ? WHERE "tenantId" = ?', new Date(0), t.tenant.id);
      expect((await events()).status).toBe(200);
      await other.run('UPDATE "ApiKey" SET "revokedAt" = ? WHERE "tenantId" = ?', new Date(), t.tenant.id);
      expect((await events()).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('when the secret is rotated, then pushes carry both signatures until the grace ends', async () => {
    const t = await createTenant();
    const rotated = await call(h, 'POST', `/admin/tenants/${t.tenant.id}/rotate-secret`);
    expect(rotated.body.webhookSecret).not.toBe(t.webhookSecret);
    receiver.secrets.push(t.webhookSecret);
    await emit(h, t.tenant.id, 1);
    await waitFor(() => receiver.received.length === 1, 'push');
    expect(receiver.received[0]?.verified).toBe(true);
    expect(String(receiver.received[0]?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    receiver.secrets.splice(0, 1, rotated.body.webhookSecret);
    await emit(h, t.tenant.id, 1, 'again');
    await waitFor(() => receiver.received.length === 2, 'second push');
    expect(receiver.received[1]?.verified).toBe(true);
  });

  it('when a webhook URL points at a metadata address, then the tenant is refused naming the field', async () => {
    const res = await call(h, 'POST', '/admin/tenants', {
      name: 'x',
      corpId: 'dingx',
      appKey: 'k',
      appSecret: 's',
      webhookUrl: 'http://169.254.169.254/latest',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.webhookUrl');
    expect(await h.services.db.tenant.count()).toBe(0);
  });

  it('when a claimed delivery’s lease expires (a crashed dispatcher), then another takes it', async () => {
    const t = await createTenant();
    await h.services.dispatcher.stop();
    await emit(h, t.tenant.id, 1);
    await h.services.db.delivery.updateMany({ data: { status: 'delivering', leaseOwner: 'dsp_dead', leaseUntil: new Date(Date.now() - 1) } });
    h.services.dispatcher.start();
    await waitFor(() => receiver.received.length === 1, 'retaken delivery');
    await waitFor(async () => (await h.services.db.delivery.findFirstOrThrow()).status === 'delivered', 'delivered');
  });
});

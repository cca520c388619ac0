// The event spine across real processes: cloud (SQLite) → local store (Postgres), by push and by
// pull, through crashes of either side. Events are test.ping events emitted by the admin API.
import { createTenant, type Stack, startStack, waitFor } from '@dtg/testkit';

const processed = async (s: Stack) => Number((await s.pg.query('SELECT count(*)::int AS n FROM processed_events')).rows[0].n);
const distinctProcessed = async (s: Stack) => Number((await s.pg.query('SELECT count(DISTINCT event_id)::int AS n FROM processed_events')).rows[0].n);

/** Deliveries of the tenant not yet settled (pending, or leased for a push in flight). */
const unsettled = async (s: Stack) =>
  (await s.admin('GET', `/admin/deliveries?status=pending&tenantId=${s.tenant.id}`)).body.items as { attempts: number; lastError: string | null }[];

async function emit(s: Stack, count: number): Promise<void> {
  const res = await s.admin('POST', `/admin/tenants/${s.tenant.id}/test-events`, { count });
  expect(res.status).toBe(202);
}

describe('event spine end to end (real processes)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('when events are emitted, then they arrive by push, each applied once, with no failed attempt', async () => {
    stack = await startStack();
    await emit(stack, 200);
    await waitFor(async () => (await processed(stack!)) === 200, '200 applied');
    const dead = await stack.admin('GET', '/admin/deliveries?status=dead');
    expect(dead.body.items).toEqual([]);
    const cursor = await stack.pg.query('SELECT seq FROM delivery_cursor');
    await waitFor(async () => (await stack!.pg.query('SELECT seq FROM delivery_cursor')).rows[0]?.seq === 200, 'cursor at 200');
    expect(cursor.rowCount).toBe(1);
  }, 120_000);

  it('when the store works by pull only, then it catches up with no pushes at all', async () => {
    stack = await startStack({ deliveryMode: 'pull' });
    await emit(stack, 300);
    await waitFor(async () => (await processed(stack!)) === 300, '300 pulled');
    const deliveries = await stack.admin('GET', '/admin/deliveries');
    expect(deliveries.body.items).toEqual([]);
  }, 120_000);

  it('when the cloud is SIGKILLed mid-delivery of 2,000 events and restarted, then exactly 2,000 are applied', async () => {
    stack = await startStack();
    await emit(stack, 2000);
    await waitFor(async () => (await processed(stack!)) >= 200, 'delivery under way');
    await stack.cloud.kill('SIGKILL');
    const atCrash = await processed(stack);
    await stack.cloud.start();
    await waitFor(async () => (await processed(stack!)) === 2000, 'all 2,000 applied', 90_000);
    expect(atCrash).toBeLessThan(2000);
    expect(await distinctProcessed(stack)).toBe(2000);
    // Once no push is left to settle, nothing more can arrive: the count is final, and exact.
    await waitFor(async () => (await unsettled(stack!)).length === 0, 'every delivery settled');
    expect(await processed(stack)).toBe(2000);
  }, 180_000);

  it('when the local store is SIGKILLed mid-delivery and restarted, then exactly 2,000 are applied', async () => {
    stack = await startStack();
    await emit(stack, 2000);
    await waitFor(async () => (await processed(stack!)) >= 200, 'delivery under way');
    await stack.local.kill('SIGKILL');
    const atCrash = await processed(stack);
    // The store stays down until the cloud has seen a push fail, so the restart recovers real failures.
    await waitFor(async () => (await unsettled(stack!)).some((d) => d.lastError !== null), 'a push failed while the store was down');
    await stack.local.start();
    await waitFor(async () => (await processed(stack!)) === 2000, 'all 2,000 applied', 90_000);
    expect(atCrash).toBeLessThan(2000);
    expect(await distinctProcessed(stack)).toBe(2000);
  }, 180_000);

  it('when the webhook secret is rotated, then no delivery fails; a suspended tenant gets nothing', async () => {
    stack = await startStack();
    const rotated = await stack.admin('POST', `/admin/tenants/${stack.tenant.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    await emit(stack, 50);
    await waitFor(async () => (await processed(stack!)) === 50, '50 applied with the old secret only');
    // Every push succeeded at its first attempt (the store's catch-up pulls may have applied some first).
    const delivered = await waitFor(async () => {
      const res = await stack!.admin('GET', `/admin/deliveries?status=delivered&tenantId=${stack!.tenant.id}`);
      return res.body.items.length === 50 ? (res.body.items as { attempts: number; lastError: string | null }[]) : undefined;
    }, 'all 50 pushed');
    expect(delivered.every((d) => d.attempts === 1 && d.lastError === null)).toBe(true);

    await stack.admin('POST', `/admin/tenants/${stack.tenant.id}/suspend`);
    await emit(stack, 10);
    // A marker: one event for another (active) tenant, emitted after the ten. Once the dispatcher
    // has attempted it, a pass that saw the ten has run; it claims for every tenant it serves in
    // that pass, before any push, so a suspended tenant's deliveries are untouched only if skipped.
    const marker = await createTenant(stack.admin, {
      name: 'marker',
      corpId: 'corp-marker',
      appKey: 'marker-app',
      appSecret: 'marker-secret',
      webhookUrl: `${stack.local.url}/webhooks/cloud`,
      reconcileInterval: 'off',
    });
    expect((await stack.admin('POST', `/admin/tenants/${marker.id}/test-events`, { count: 1 })).status).toBe(202);
    await waitFor(async () => {
      const res = await stack!.admin('GET', `/admin/deliveries?tenantId=${marker.id}`);
      return (res.body.items as { attempts: number }[]).some((d) => d.attempts > 0);
    }, 'the marker tenant push attempted');
    const suspended = (await stack.admin('GET', `/admin/deliveries?status=pending&tenantId=${stack.tenant.id}`)).body.items as { attempts: number }[];
    expect(suspended.map((d) => d.attempts)).toEqual(Array(10).fill(0));
    expect(await processed(stack)).toBe(50);
    await stack.admin('POST', `/admin/tenants/${stack.tenant.id}/activate`);
    await waitFor(async () => (await processed(stack!)) === 60, 'resumed after activation');
  }, 120_000);
});

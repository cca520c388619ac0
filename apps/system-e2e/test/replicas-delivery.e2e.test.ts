// Issue #22: N cloud replicas on one Postgres database share the push delivery of one tenant. Each
// replica's dispatcher claims rows with FOR UPDATE SKIP LOCKED under a lease; a replica SIGKILLed
// mid-push leaves its rows leased, and once the lease runs out another replica (or the restarted
// one) pushes them again. The store must still have applied every event exactly once.
import { appliedOnce, emit, expectExactlyOnce, type ReplicaStack, startReplicaStack, waitFor } from '@dtg/testkit';

const EVENTS = 10_000;
/**
 * A 2 s push timeout makes the delivery lease 9 s (dispatcher.ts: timeout × 2 + 5 s), so the dead
 * replica's rows come free within the test's budget; the retry schedule is COMPRESSED_DELIVERY's.
 */
const CLOUD_ENV = { WEBHOOK_TIMEOUT: '2s' };

/** Lease holders of rows being pushed right now: one per replica whose dispatcher is mid-push. */
async function leaseOwners(stack: ReplicaStack): Promise<string[]> {
  const { rows } = await (stack.cloudDb as NonNullable<ReplicaStack['cloudDb']>).query(
    `SELECT DISTINCT "leaseOwner" AS owner FROM "Delivery" WHERE status = 'delivering' AND "tenantId" = $1`,
    [stack.tenant.id],
  );
  return rows.map((r: { owner: string }) => r.owner);
}

/** The tenant's delivery rows by status, e.g. `delivered:9990,delivering:10`. */
async function deliveryStates(stack: ReplicaStack): Promise<string> {
  const { rows } = await (stack.cloudDb as NonNullable<ReplicaStack['cloudDb']>).query(
    `SELECT status, count(*)::int AS n FROM "Delivery" WHERE "tenantId" = $1 GROUP BY status ORDER BY status`,
    [stack.tenant.id],
  );
  return rows.map((r: { status: string; n: number }) => `${r.status}:${r.n}`).join(',');
}

describe('three cloud replicas on one Postgres (real processes)', () => {
  let stack: ReplicaStack | undefined;
  afterAll(async () => {
    await stack?.close();
  });

  it('when one replica is SIGKILLed while all three push 10,000 events and then restarted, then the store has applied each event exactly once', async () => {
    stack = await startReplicaStack({ replicas: 3, cloudEnv: CLOUD_ENV });
    const s = stack;
    const victim = s.clouds[1];
    if (!victim) throw new Error('three replicas were asked for');
    await emit(s, EVENTS);
    // The kill must land mid-delivery on the victim too: wait until every replica holds leased rows.
    await waitFor(async () => (await leaseOwners(s)).length === 3, 'all three replicas pushing', 60_000);
    await victim.kill('SIGKILL');
    const atKill = await appliedOnce(s);
    await victim.start();

    await expectExactlyOnce(s, EVENTS, 90_000);
    // The kill was mid-delivery: events remained to be pushed when it landed.
    expect(atKill.rows).toBeLessThan(EVENTS);
    // Every delivery row ends delivered in the shared database, the dead replica's leased ones
    // included (the store may apply the last pushes just before their outcomes are recorded).
    await waitFor(async () => (await deliveryStates(s)) === `delivered:${EVENTS}`, 'every delivery recorded as delivered', 30_000);
  }, 180_000);
});

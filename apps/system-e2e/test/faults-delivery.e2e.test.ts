// Delivery through failures the spine test does not cover: the store's Postgres restarting
// mid-delivery, and the store cut off from the network while events keep coming. The 10,000-event
// and 60 s versions run in `npm run soak` (tools/soak).
import { disruptionDrill, type DrillStack, outageDrill, startDrillStack } from '@dtg/testkit';

describe('delivery through failures (real processes)', () => {
  let stack: DrillStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('when the store’s Postgres is restarted mid-delivery of 2,000 events, then all 2,000 are applied exactly once', async () => {
    stack = await startDrillStack({ privatePostgres: true });
    const result = await disruptionDrill(stack, { events: 2000, disruption: 'restart-postgres', disruptAt: 0.2, downMs: 2000, timeoutMs: 90_000 });
    expect(result.appliedAtDisruption).toBeLessThan(2000);
  }, 180_000);

  it('when the store is unreachable for 10 s while events are produced, then it has caught up within 30 s of its return', async () => {
    stack = await startDrillStack({ gates: true });
    // The drill waits for every event to be applied once, for at most the 30 s the store has to catch up.
    const result = await outageDrill(stack, { outageMs: 10_000, perSecond: 50, timeoutMs: 30_000 });
    expect(result.events).toBeGreaterThanOrEqual(500);
    expect(result.appliedWhenRestored).toBe(0);
  }, 120_000);
});

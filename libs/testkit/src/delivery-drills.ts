// Delivery drills shared by the e2e tests (small counts, inside `npm test`) and `npm run soak`
// (10,000 events, 60 s outages): produce test.ping events, break something mid-way, and prove
// every event was applied exactly once. Each drill throws on a broken promise and returns timings.
import type { DrillStack } from './drill-stack';
import { waitFor } from './wait-for';

/** What counting applied events needs: the store's database (a drill stack, a replica stack). */
export type AppliedSource = Pick<DrillStack, 'db'>;
/** What emitting test events needs: the cloud's admin API and the tenant. */
export type EmitTarget = Pick<DrillStack, 'admin' | 'tenant'>;

export type Disruption = 'kill-cloud' | 'kill-local' | 'restart-postgres';

export interface DrillResult {
  events: number;
  /** Events applied when the disruption hit. */
  appliedAtDisruption: number;
  /** From the end of the disruption (service back) to the last event applied. */
  recoveryMs: number;
  /** From the first emit to the last event applied. */
  totalMs: number;
}

export async function applied(stack: AppliedSource): Promise<number> {
  return Number((await stack.db.query('SELECT count(*)::int AS n FROM processed_events')).rows[0].n);
}

export async function appliedOnce(stack: AppliedSource): Promise<{ rows: number; distinct: number; maxSeq: number }> {
  const { rows } = await stack.db.query(
    'SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct, coalesce(max(seq), 0)::int AS max FROM processed_events',
  );
  return { rows: rows[0].rows, distinct: rows[0].distinct, maxSeq: rows[0].max };
}

export async function emit(stack: EmitTarget, count: number): Promise<void> {
  const res = await stack.admin('POST', `/admin/tenants/${stack.tenant.id}/test-events`, { count });
  if (res.status !== 202) throw new Error(`emitting ${count} test events answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/**
 * Waits until `total` events are applied, then proves each was applied once, in order, with no gap.
 * Checked at once, not after a pause for stragglers: a later re-push of an applied event cannot add
 * a row (event_id is the key, written in the apply's own transaction), so waiting would prove nothing.
 */
export async function expectExactlyOnce(stack: AppliedSource, total: number, timeoutMs: number): Promise<void> {
  // The pool may be reconnecting after a Postgres restart: a failed count is just "not yet".
  await waitFor(async () => (await applied(stack).catch(() => -1)) >= total, `${total} events applied`, timeoutMs);
  const state = await appliedOnce(stack);
  if (state.rows !== total || state.distinct !== total || state.maxSeq !== total) {
    throw new Error(`expected exactly ${total} distinct events up to seq ${total}, found ${JSON.stringify(state)}`);
  }
}

/** How a disruption takes its part of the stack down, and brings it back. */
function downAndUp(stack: DrillStack, disruption: Disruption): [() => Promise<void>, () => Promise<void>] {
  if (disruption === 'kill-cloud') return [() => stack.cloud.kill('SIGKILL'), () => stack.cloud.start()];
  if (disruption === 'kill-local') return [() => stack.local.kill('SIGKILL'), () => stack.local.start()];
  const { postgres } = stack;
  if (!postgres) throw new Error('restart-postgres needs a stack with privatePostgres');
  return [() => postgres.down(), () => postgres.up()];
}

async function disrupt(stack: DrillStack, disruption: Disruption, downMs: number): Promise<void> {
  const [down, up] = downAndUp(stack, disruption);
  await down();
  // How long it stays down is the drill itself, not a wait for something to happen.
  await new Promise((r) => setTimeout(r, downMs));
  await up();
}

/**
 * Emits `events` on a stack that has applied nothing yet, disrupts once `disruptAt` of them are
 * applied, and waits for all of them (exactly once).
 */
export async function disruptionDrill(
  stack: DrillStack,
  options: { events: number; disruption: Disruption; disruptAt?: number; downMs?: number; timeoutMs?: number },
): Promise<DrillResult> {
  const { events, disruption } = options;
  const started = performance.now();
  await emit(stack, events);
  const threshold = Math.max(1, Math.floor(events * (options.disruptAt ?? 0.2)));
  await waitFor(async () => (await applied(stack)) >= threshold, `${threshold} events applied before the disruption`, 60_000);
  const appliedAtDisruption = await applied(stack);
  await disrupt(stack, disruption, options.downMs ?? 2000);
  const back = performance.now();
  await expectExactlyOnce(stack, events, options.timeoutMs ?? 120_000);
  const end = performance.now();
  // Nobody restarted the store after a database restart: it must have ridden it out (its readiness
  // probe may still be catching up with the pool that applied the last events).
  if (disruption === 'restart-postgres') {
    const ready = () =>
      fetch(`${stack.local.url}/readyz`).then(
        (res) => res.ok,
        () => false,
      );
    await waitFor(ready, 'the store ready again after the Postgres restart', 30_000).catch(() => {
      throw new Error('the store did not ride out the Postgres restart (not ready, or gone)');
    });
  }
  return { events, appliedAtDisruption, recoveryMs: Math.round(end - back), totalMs: Math.round(end - started) };
}

export interface OutageResult {
  events: number;
  /** Events applied by the end of the outage (produced before it and delivered in time). */
  appliedWhenRestored: number;
  /** From the network coming back to the last event applied. */
  catchUpMs: number;
}

/**
 * Cuts the network between cloud and store both ways for `outageMs` while `perSecond` events
 * are produced every second, restores it, and measures how long the store takes to catch up.
 */
export async function outageDrill(stack: DrillStack, options: { outageMs: number; perSecond: number; timeoutMs?: number }): Promise<OutageResult> {
  const gates = stack.gates;
  if (!gates) throw new Error('the outage drill needs a stack with gates');
  const before = await applied(stack);
  gates.toLocal.cut();
  gates.toCloud.cut();
  const outageEnds = Date.now() + options.outageMs;
  let events = 0;
  while (Date.now() < outageEnds) {
    await emit(stack, options.perSecond);
    events += options.perSecond;
    // Paces production at perSecond for the length of the outage (the drill, not a wait).
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, outageEnds - Date.now()))));
  }
  const appliedWhenRestored = (await applied(stack)) - before;
  gates.toLocal.restore();
  gates.toCloud.restore();
  const restored = performance.now();
  await expectExactlyOnce(stack, before + events, options.timeoutMs ?? 60_000);
  return { events, appliedWhenRestored, catchUpMs: Math.round(performance.now() - restored) };
}

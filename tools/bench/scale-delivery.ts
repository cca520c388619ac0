// bench:scale (b) and (c): push delivery to one store on each set-up — a burst of N test events
// emitted at once (events/s until all are applied), and a steady 500 events/s (lag from the
// event's commit at the cloud to its apply in the store). The replicas share the pushing through
// their leases; the events are emitted through the first replica's admin API.
import { applied, emit, type ReplicaStack, waitFor } from '@dtg/testkit';
import { percentile, progress, type BenchRow } from './bench-support';
import { emitSteadily, eventLags, lagP99Row, steadyLags, type LagSource } from './delivery-lag';
import { onStack, type ScaleSetup } from './scale-stack';

const BURST = Number(process.env.BENCH_EVENTS ?? 10_000);
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 500);
const STEADY_SECONDS = Number(process.env.BENCH_SCALE_STEADY_SECONDS ?? 20);
/** A fresh stack's first seconds lag more (JIT, pools, caches): emitted at the rate, reported apart. */
const STEADY_WARMUP_SECONDS = Number(process.env.BENCH_STEADY_WARMUP_SECONDS ?? 5);

async function waitApplied(stack: ReplicaStack, total: number): Promise<void> {
  let last = -1;
  await waitFor(
    async () => {
      const n = await applied(stack);
      if (n !== last) progress('applied by push', n, total);
      last = n;
      return n >= total;
    },
    `${total} events applied`,
    600_000,
  );
}

function lagSource(stack: ReplicaStack): LagSource {
  return { cloudUrl: stack.clouds[0]?.url ?? '', apiKey: stack.tenant.apiKey, query: (sql) => stack.db.query(sql) };
}

export async function burst(setup: ScaleSetup, rows: BenchRow[]): Promise<void> {
  console.log(`scale (b): push burst of ${BURST} events, ${setup.label}`);
  await onStack(setup, async (s) => {
    const t0 = performance.now();
    await emit(s, BURST);
    await waitApplied(s, BURST);
    const rate = BURST / ((performance.now() - t0) / 1000);
    rows.push({ metric: `(b) push burst of ${BURST}, ${setup.label}`, value: Math.round(rate), unit: 'events/s' });
  });
}

export async function steady(setup: ScaleSetup, rows: BenchRow[]): Promise<void> {
  const total = STEADY_RATE * (STEADY_WARMUP_SECONDS + STEADY_SECONDS);
  console.log(`scale (c): ${STEADY_RATE} events/s for ${STEADY_WARMUP_SECONDS} s warm-up + ${STEADY_SECONDS} s measured, ${setup.label}`);
  await onStack(setup, async (s) => {
    const measuredFrom = Date.now() + STEADY_WARMUP_SECONDS * 1000;
    await emitSteadily((count) => emit(s, count), STEADY_RATE, total);
    await waitApplied(s, total);
    const { lags, applyRate } = steadyLags(await eventLags(lagSource(s)), measuredFrom);
    const label = `(c) push at ${STEADY_RATE}/s, ${setup.label}`;
    rows.push({ metric: `${label}: store's apply rate`, value: Math.round(applyRate), unit: 'events/s' });
    rows.push({ metric: `${label}: lag p50`, value: percentile(lags, 50), unit: 'ms' });
    rows.push(lagP99Row(`${label}: lag p99`, lags));
  });
}

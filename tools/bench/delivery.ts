// `npm run bench:delivery`: 10,000 events cloud → local store with both services and Postgres on
// this machine — push throughput and lag, then pull catch-up of 10,000 events.
import { type Stack, startStack, waitFor } from '@dtg/testkit';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { percentile, progress, report, withPostgres, type BenchRow } from './bench-support';

/** The services run as deployed: the bundles, with the Docker images' node flags. */
const deployed = { runtime: 'bundle', nodeArgs: SERVICE_NODE_ARGS } as const;

const N = Number(process.env.BENCH_EVENTS ?? 10_000);

async function processed(stack: Stack): Promise<number> {
  return Number((await stack.pg.query('SELECT count(*)::int AS n FROM processed_events')).rows[0].n);
}

async function emit(stack: Stack): Promise<void> {
  const res = await stack.admin('POST', `/admin/tenants/${stack.tenant.id}/test-events`, { count: N });
  if (res.status !== 202) throw new Error(`emit failed: ${JSON.stringify(res.body)}`);
}

async function waitApplied(stack: Stack, label: string): Promise<void> {
  let last = -1;
  await waitFor(
    async () => {
      const n = await processed(stack);
      if (n !== last) progress(label, n, N);
      last = n;
      return n >= N;
    },
    label,
    600_000,
  );
  if (process.stdout.isTTY) process.stdout.write('\n');
}

/** Lag of each event: applied in Postgres minus occurredAt in the cloud (same machine clock). */
async function lagsMs(stack: Stack): Promise<number[]> {
  const occurred = new Map<string, number>();
  for (let after = 0; ;) {
    const res = await fetch(`${stack.cloud.url}/v1/events?after=${after}&limit=1000`, { headers: { authorization: `Bearer ${stack.tenant.apiKey}` } });
    const page = (await res.json()) as { events: { id: string; occurredAt: string }[]; next: number };
    for (const e of page.events) occurred.set(e.id, Date.parse(e.occurredAt));
    if (page.events.length === 0) break;
    after = page.next;
  }
  const rows = (await stack.pg.query('SELECT event_id, processed_at FROM processed_events')).rows as { event_id: string; processed_at: Date }[];
  return rows
    .map((r) => r.processed_at.getTime() - (occurred.get(r.event_id) ?? Number.NaN))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
}

async function pushPhase(rows: BenchRow[]): Promise<void> {
  console.log(`push: ${N} events`);
  const stack = await startStack({ ...deployed, cloudEnv: { LOG_LEVEL: 'error' }, localEnv: { LOG_LEVEL: 'error', PULL_INTERVAL: '60s' } });
  try {
    rows.push({ metric: 'cloud start-up to healthy', value: stack.cloud.lastStartMs, unit: 'ms' });
    rows.push({ metric: 'local store start-up to healthy', value: stack.local.lastStartMs, unit: 'ms' });
    const t0 = performance.now();
    await emit(stack);
    await waitApplied(stack, 'applied by push');
    const seconds = (performance.now() - t0) / 1000;
    const rate = N / seconds;
    const lags = await lagsMs(stack);
    rows.push({ metric: 'push throughput', value: Math.round(rate), unit: 'events/s', target: '≥ 1,500', verdict: rate >= 1500 ? 'met' : 'missed' });
    rows.push({ metric: 'push lag p50', value: percentile(lags, 50), unit: 'ms' });
    rows.push({ metric: 'push lag p99', value: percentile(lags, 99), unit: 'ms' });
    for (const [label, service] of [
      ['cloud', stack.cloud],
      ['local store', stack.local],
    ] as const) {
      const rss = service.peakRssMb();
      rows.push({
        metric: `${label} peak RSS`,
        value: rss ?? 'n/a',
        unit: 'MB',
        target: '≤ 200',
        verdict: rss === undefined ? '' : rss <= 200 ? 'met' : 'missed',
      });
    }
  } finally {
    await stack.close();
  }
}

async function pullPhase(rows: BenchRow[]): Promise<void> {
  console.log(`pull: ${N} events waiting before the store starts`);
  const stack = await startStack({
    ...deployed,
    deliveryMode: 'pull',
    cloudEnv: { LOG_LEVEL: 'error' },
    localEnv: { LOG_LEVEL: 'error', PULL_INTERVAL: '60s' },
  });
  try {
    await stack.local.stop();
    await emit(stack);
    const t0 = performance.now();
    await stack.local.start();
    await waitApplied(stack, 'applied by pull');
    const withStart = (performance.now() - t0) / 1000;
    // The apply rate proper: first to last event applied (start-up and migrations excluded).
    const span = (await stack.pg.query('SELECT extract(epoch FROM max(processed_at) - min(processed_at)) AS s FROM processed_events')).rows[0];
    const rate = N / Math.max(Number(span.s), 0.001);
    rows.push({ metric: 'pull catch-up', value: Math.round(rate), unit: 'events/s', target: '≥ 10,000', verdict: rate >= 10_000 ? 'met' : 'missed' });
    rows.push({ metric: 'pull catch-up incl. store start', value: Math.round(withStart * 1000), unit: 'ms' });
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  await withPostgres(async () => {
    await pushPhase(rows);
    await pullPhase(rows);
  });
  report('delivery', rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// `npm run bench:stream`: Stream event → local store applied. The simulator publishes contact events
// to the tenant's Stream connection (one every BENCH_STREAM_GAP_MS, below the 20 QPS the cloud may
// spend on the user reads they cause); each one's latency is from the publish call to the moment the
// local store committed the resulting user.upserted (Postgres' processed_at, same machine clock).
// WARM_UP events go first and are not counted: the first ones after start-up also fetch the app
// token and warm the JIT (about 200–300 ms each here), which is start-up cost, not Stream latency.
import { DEMO } from '@dtg/dingtalk-sim';
import { derivedEventId, streamEventKey } from '@dtg/cloud-gateway';
import { simControl, startStack, waitFor, type Stack } from '@dtg/testkit';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { percentile, progress, report, withPostgres, type BenchRow } from './bench-support';
import { benchMemory, watchStack } from './memory';

const N = Number(process.env.BENCH_STREAM_EVENTS ?? 200);
const GAP_MS = Number(process.env.BENCH_STREAM_GAP_MS ?? 100);
const WARM_UP = 10;

async function streamTenant(stack: Stack): Promise<void> {
  await simControl(stack.sim.url, 'PUT', '/callbacks', { appMode: 'stream' });
  const switched = await stack.admin('PATCH', `/admin/tenants/${stack.tenant.id}`, { callbackMode: 'stream' });
  if (switched.status !== 200) throw new Error(`could not switch the tenant to stream: ${JSON.stringify(switched.body)}`);
  await waitFor(
    async () => (await simControl<{ connections: unknown[] }>(stack.sim.url, 'GET', `/stream?clientId=${DEMO.app.appKey}`)).connections.length === 1,
    'the Stream connection',
    30_000,
  );
}

async function appliedAt(stack: Stack, outboxIds: string[]): Promise<Map<string, number>> {
  const rows = (
    await stack.pg.query<{ event_id: string; processed_at: Date }>('SELECT event_id, processed_at FROM processed_events WHERE event_id = ANY($1)', [outboxIds])
  ).rows;
  return new Map(rows.map((r) => [r.event_id, r.processed_at.getTime()]));
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  await withPostgres(async () => {
    const stack = await startStack({ runtime: 'bundle', nodeArgs: SERVICE_NODE_ARGS, cloudEnv: { LOG_LEVEL: 'error' }, localEnv: { LOG_LEVEL: 'error' } });
    watchStack(stack);
    try {
      await streamTenant(stack);
      const source = `app:${stack.tenant.id}`;
      const sent: Array<{ outboxId: string; atMs: number }> = [];
      console.log(`stream: ${WARM_UP} warm-up + ${N} events, one every ${GAP_MS} ms`);
      for (let i = 0; i < WARM_UP + N; i += 1) {
        const userid = `user${String((i % DEMO.userCount) + 1).padStart(3, '0')}`;
        const atMs = Date.now();
        const pushed = await simControl<{ eventId: string }>(stack.sim.url, 'POST', '/stream/events', {
          target: 'app',
          eventType: 'user_modify_org',
          data: { timeStamp: String(atMs), userId: [userid] },
        });
        // The cloud stores the event under its eventId and derives the outbox id from that.
        if (i >= WARM_UP) sent.push({ outboxId: derivedEventId(streamEventKey(source, pushed.eventId), 'uu0'), atMs });
        progress('published', i + 1, WARM_UP + N);
        await new Promise((r) => setTimeout(r, Math.max(0, atMs + GAP_MS - Date.now())));
      }
      const ids = sent.map((s) => s.outboxId);
      const applied = await waitFor(
        async () => {
          const found = await appliedAt(stack, ids);
          return found.size === N ? found : undefined;
        },
        `${N} events applied at the local store`,
        120_000,
      );
      const latencies = sent.map((s) => (applied.get(s.outboxId) ?? Number.NaN) - s.atMs).sort((a, b) => a - b);
      const duplicates = Number((await stack.pg.query('SELECT count(*)::int - count(DISTINCT event_id)::int AS d FROM processed_events')).rows[0].d);
      rows.push({ metric: `Stream event → local store applied, median (${N} events)`, value: percentile(latencies, 50), unit: 'ms' });
      rows.push({ metric: 'Stream event → local store applied, p99', value: percentile(latencies, 99), unit: 'ms' });
      rows.push({ metric: 'Stream event → local store applied, max', value: latencies[latencies.length - 1] ?? Number.NaN, unit: 'ms' });
      rows.push({ metric: 'events applied twice', value: duplicates, unit: '', target: '0', verdict: duplicates === 0 ? 'met' : 'missed' });
    } finally {
      benchMemory.sample();
      await stack.close();
    }
  });
  report('stream', rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

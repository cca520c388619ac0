// bench:scale (a): POST /v1/messages under autocannon on each set-up, the connections spread
// round-robin over the replicas (no load balancer in between: it would be measured too).
import { simControl } from '@dtg/testkit';
import type { BenchRow } from './bench-support';
import { measureLoad } from './http-load';
import { addBenchUsers, benchUser, SIM_QPS, text } from './send-sizes';
import { onStack, type ScaleSetup } from './scale-stack';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
/** Recipients of the load: enough that nobody nears the daily cap (as send.ts's load). */
const LOAD_USERS = 1000;

export async function acceptLoad(setup: ScaleSetup, rows: BenchRow[]): Promise<void> {
  console.log(`scale (a): POST /v1/messages, ${setup.label}: ${CONNECTIONS} connections × ${DURATION_S} s`);
  await onStack(setup, async (s) => {
    const sim = { simControl: <T>(method: string, p: string, body?: unknown) => simControl<T>(s.sim.url, method, p, body) };
    await addBenchUsers(sim, LOAD_USERS);
    await sim.simControl('PUT', '/rate-limits', { defaultQps: SIM_QPS });
    const r = await measureLoad({
      url: s.clouds.map((c) => c.url),
      path: '/v1/messages',
      headers: { authorization: `Bearer ${s.tenant.apiKey}` },
      body: (n) => ({ recipients: { userIds: [benchUser((n % LOAD_USERS) + 1)] }, msg: text(`scale load ${n}`) }),
      connections: CONNECTIONS,
      durationS: DURATION_S,
    });
    if (r.failures > 0) throw new Error(`load run had ${r.failures} failures:\n${s.clouds[0]?.tail(20)}`);
    rows.push({ metric: `(a) POST /v1/messages, ${setup.label}`, value: Math.round(r.reqPerSec), unit: 'req/s' });
    rows.push({ metric: `(a) POST /v1/messages p99, ${setup.label}`, value: r.p99Ms, unit: 'ms' });
  });
}

// bench:scale (e): 1,000 concurrent GET /v1/users/:userid spread round-robin over 3 replicas on a
// cold cache (fresh processes, fresh database), and the token requests the simulator saw. As in
// bench:tokens, rate limits are raised far above the load: this counts token fetches, not throttling.
// Replicas that each cache their own token fetch one each: 1 once the token is shared.
import { simControl, simRequests } from '@dtg/testkit';
import { percentile, type BenchRow } from './bench-support';
import { TOKEN_PATHS } from './sim-log';
import { onStack, postgres } from './scale-stack';

const CALLS = Number(process.env.BENCH_TOKEN_CALLS ?? 1_000);

export async function lookupsThroughReplicas(rows: BenchRow[]): Promise<void> {
  const setup = postgres(3);
  console.log(`scale (e): ${CALLS} concurrent user lookups over ${setup.label}, cold cache`);
  // The cloud's own client-side limit at its maximum, the simulator's far above the load.
  await onStack(
    setup,
    async (s) => {
      await simControl(s.sim.url, 'PUT', '/rate-limits', { defaultQps: 1_000_000 });
      await simControl(s.sim.url, 'DELETE', '/requests');
      const latencies: number[] = [];
      let failed = 0;
      await Promise.all(
        Array.from({ length: CALLS }, async (_, i) => {
          const cloud = s.clouds[i % s.clouds.length]?.url ?? '';
          const started = performance.now();
          const res = await fetch(`${cloud}/v1/users/user${String((i % 200) + 1).padStart(3, '0')}`, {
            headers: { authorization: `Bearer ${s.tenant.apiKey}` },
          });
          await res.arrayBuffer();
          if (!res.ok) failed++;
          latencies.push(performance.now() - started);
        }),
      );
      const log = await simRequests(s.sim.url);
      const tokens = log.filter((e) => TOKEN_PATHS.test(e.path)).length;
      latencies.sort((a, b) => a - b);
      const label = `(e) ${CALLS} user lookups via ${setup.label}`;
      rows.push({ metric: `${label}: token requests seen by the sim`, value: tokens, unit: '', target: '1', verdict: tokens === 1 ? 'met' : 'missed' });
      rows.push({ metric: `${label}: user/get requests seen by the sim`, value: log.filter((e) => e.path === '/topapi/v2/user/get').length, unit: '' });
      rows.push({ metric: `${label}: failed lookups`, value: failed, unit: '' });
      rows.push({
        metric: `${label}: latency p50 / p99`,
        value: `${Math.round(percentile(latencies, 50))} / ${Math.round(percentile(latencies, 99))}`,
        unit: 'ms',
      });
    },
    { DINGTALK_QPS: '1000' },
  );
}

// `npm run bench:tokens`: 1,000 concurrent directory calls through @dtg/dingtalk-client on a cold
// token cache, against the simulator as its own process — how many token requests reach "DingTalk".
import { DingTalkClient } from '@dtg/dingtalk-client';
import { DEMO } from '@dtg/dingtalk-sim';
import { entryOf, freePort, ServiceProcess, simControl, simRequests } from '@dtg/testkit';
import { peakRssMb } from './memory';
import { percentile, progress, report, type BenchRow } from './bench-support';
import { TOKEN_PATHS } from './sim-log';

const CALLS = Number(process.env.BENCH_TOKEN_CALLS ?? 1_000);
// Rate limits (the sim's and the client's) raised far above the load: this measures token caching, not throttling.
const QPS = 1_000_000;

async function main(): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sim = new ServiceProcess('sim', entryOf('dingtalk-sim', 'bundle'), { SIM_PORT: String(port), SIM_LOG: '0' }, url, { healthPath: '/_sim/clock' });
  await sim.start();
  const rows: BenchRow[] = [];
  try {
    await simControl(url, 'PUT', '/rate-limits', { defaultQps: QPS });
    await simControl(url, 'DELETE', '/requests');
    const client = new DingTalkClient({ baseUrls: { apiBaseUrl: url, oapiBaseUrl: url, loginBaseUrl: url }, rateLimit: { qps: QPS, burst: QPS } });
    const org = client.forOrg({ mode: 'internal', appKey: DEMO.app.appKey, appSecret: DEMO.app.appSecret, corpId: DEMO.corpId, agentId: DEMO.app.agentId });
    console.log(`tokens: ${CALLS} concurrent contacts.getUser on a cold cache`);
    const latencies: number[] = [];
    let done = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const started = performance.now();
        await org.contacts.getUser(`user${String((i % 200) + 1).padStart(3, '0')}`);
        latencies.push(performance.now() - started);
        progress('calls answered', ++done, CALLS);
      }),
    );
    const totalMs = performance.now() - t0;
    const log = await simRequests(url);
    const tokenRequests = log.filter((e) => TOKEN_PATHS.test(e.path)).length;
    const userGets = log.filter((e) => e.path === '/topapi/v2/user/get').length;
    latencies.sort((a, b) => a - b);
    rows.push({ metric: 'token requests seen by the sim', value: tokenRequests, unit: '', target: '1', verdict: tokenRequests === 1 ? 'met' : 'missed' });
    rows.push({ metric: 'user/get requests seen by the sim', value: userGets, unit: '' });
    rows.push({ metric: `${CALLS} concurrent calls, all answered`, value: Math.round(totalMs), unit: 'ms' });
    rows.push({ metric: 'call latency p50', value: Math.round(percentile(latencies, 50)), unit: 'ms' });
    rows.push({ metric: 'call latency p99', value: Math.round(percentile(latencies, 99)), unit: 'ms' });
    rows.push({ metric: 'sim peak RSS', value: peakRssMb(sim) ?? 'n/a', unit: 'MB' });
  } finally {
    await sim.stop();
  }
  report('tokens', rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

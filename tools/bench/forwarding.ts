// `npm run bench:forwarding`: change events forwarded by the local store to one subscription
// endpoint. 10,000 users arrive as signed cloud events (user.upserted, 500 users each, pushed like the
// cloud pushes them); each becomes a user.created change, written in the apply transaction and
// pushed as a Standard Webhook to an endpoint on this machine that answers 204 at once. Measured:
// events/s from the first cloud event pushed to the last change received, and the lag of each
// change (received at the endpoint − written by the store).
import { loadavg } from 'node:os';
import { createLocalStoreClient, verifyChangeWebhook } from '@dtg/local-client';
import { startTestEndpoint } from '@dtg/testkit';
import { signWebhook } from '@dtg/webhook-signing';
import { BENCH_ADMIN_TOKEN, BENCH_TENANT, startBenchStore } from './bench-store';
import { percentile, progress, report, withPostgres, type BenchRow } from './bench-support';

const N = Number(process.env.BENCH_FORWARD_EVENTS ?? 10_000);
const PER_EVENT = 500;
/** Verifying every push would measure this process; a sample proves they are genuine. */
const VERIFIED_SAMPLE = 200;

interface Endpoint {
  url: string;
  received: Map<string, number>;
  close(): Promise<void>;
}

async function startEndpoint(secret: () => string): Promise<Endpoint> {
  const received = new Map<string, number>();
  const endpoint = await startTestEndpoint('/changes', (raw, req, res) => {
    const id = String(req.headers['webhook-id']);
    if (received.size < VERIFIED_SAMPLE) verifyChangeWebhook(raw, req.headers as Record<string, string>, secret());
    if (!received.has(id)) received.set(id, Date.now());
    res.writeHead(204).end();
  });
  return { ...endpoint, received };
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  await withPostgres(async () => {
    const store = await startBenchStore(process.env.BENCH_FORWARD_CONCURRENCY ? { SUBSCRIPTION_CONCURRENCY: process.env.BENCH_FORWARD_CONCURRENCY } : {});
    let secret = '';
    const endpoint = await startEndpoint(() => secret);
    try {
      const admin = createLocalStoreClient({ baseUrl: store.url, token: BENCH_ADMIN_TOKEN });
      secret = (await admin.subscriptions.create({ url: endpoint.url, eventTypes: ['user.*'] })).secret;
      console.log(`forwarding: ${N} changes from ${N / PER_EVENT} cloud events to one endpoint`);
      const t0 = performance.now();
      const startedAt = Date.now();
      for (let e = 0; e < N / PER_EVENT; e++) {
        const users = Array.from({ length: PER_EVENT }, (_, i) => ({ userid: `fw${e}-${i}`, name: `Forwarded ${e}-${i}`, deptIds: [1], active: true }));
        const envelope = {
          id: `evt_bench_${e}`,
          type: 'user.upserted',
          tenantId: BENCH_TENANT,
          seq: e + 1,
          occurredAt: new Date().toISOString(),
          data: { users },
        };
        const body = JSON.stringify(envelope);
        const res = await fetch(`${store.url}/webhooks/cloud`, {
          method: 'POST',
          headers: {
            ...signWebhook({ id: envelope.id, timestampSec: Math.floor(Date.now() / 1000), body, secrets: [store.webhookSecret] }),
            'content-type': 'application/json',
          },
          body,
        });
        if (res.status !== 200) throw new Error(`push ${e} answered ${res.status}: ${await res.text()}`);
      }
      const appliedMs = performance.now() - t0;
      let last = -1;
      const deadline = Date.now() + 600_000;
      while (endpoint.received.size < N) {
        if (Date.now() > deadline) throw new Error(`only ${endpoint.received.size} of ${N} changes arrived`);
        if (endpoint.received.size !== last) progress('received', (last = endpoint.received.size), N);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      progress('received', N, N);
      const seconds = (Math.max(...endpoint.received.values()) - startedAt) / 1000;
      const written = new Map(
        (await store.pg.query<{ event_id: string; at: Date }>('SELECT event_id, occurred_at AS at FROM changes')).rows.map((r) => [r.event_id, r.at.getTime()]),
      );
      const lags = [...endpoint.received]
        .map(([id, at]) => at - (written.get(id) ?? Number.NaN))
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      const rate = N / seconds;
      rows.push({
        metric: `forwarding throughput, ${N.toLocaleString('en-US')} changes to one endpoint (${process.env.BENCH_FORWARD_CONCURRENCY ?? 16} in flight)`,
        value: Math.round(rate),
        unit: 'events/s',
      });
      rows.push({ metric: 'cloud events applied (changes written), same run', value: Math.round(N / (appliedMs / 1000)), unit: 'changes/s' });
      rows.push({ metric: 'forwarding lag p50 (written → received)', value: percentile(lags, 50), unit: 'ms' });
      rows.push({ metric: 'forwarding lag p99', value: percentile(lags, 99), unit: 'ms' });
      rows.push({ metric: 'load average (1 min) during the run', value: loadavg()[0] ?? 0, unit: '' });
    } finally {
      await endpoint.close();
      await store.close();
    }
  });
  report('forwarding', rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// `npm run bench:operator`: the operator console's tenants list (GET /admin/views/tenants, what the
// page draws from) with 1,000 tenants and 1,000,000 events and deliveries, against the built cloud
// as deployed. Tenants are created through the admin API; the outbox is seeded straight into the
// SQLite file (as a year of traffic would have left it: nearly all delivered, a backlog waiting for
// its retry and some dead deliveries on a few tenants), then the list is asked for again and again.
// The figure is the response time at the client on 127.0.0.1: the server's time plus the transfer
// of the ~1,000-row answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { cloudAdmin, cloudEnv, entryOf, freePort, freshCloudSecrets, ServiceProcess } from '@dtg/testkit';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { percentile, progress, report, type BenchRow } from './bench-support';
import { benchMemory } from './memory';

const TENANTS = Number(process.env.BENCH_OPERATOR_TENANTS ?? 1_000);
const EVENTS = Number(process.env.BENCH_OPERATOR_EVENTS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_OPERATOR_REQUESTS ?? 200);
const TARGET_P99_MS = 300;
const BATCH = 20_000;

function seed(dbFile: string, tenantIds: string[]): void {
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 30000');
  const perTenant = Math.floor(EVENTS / tenantIds.length);
  const now = Date.now();
  const insertEvent = db.prepare("INSERT INTO Event (id, tenantId, seq, type, occurredAt, data) VALUES (?, ?, ?, 'test.ping', ?, '{}')");
  const insertDelivery = db.prepare(
    'INSERT INTO Delivery (id, eventId, tenantId, status, attempts, nextAttemptAt, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const setSeq = db.prepare('UPDATE Tenant SET lastSeq = ? WHERE id = ?');
  let written = 0;
  const rows: [number, number][] = tenantIds.flatMap((_id, t) => Array.from({ length: perTenant }, (_, i) => [t, i + 1] as [number, number]));
  for (let start = 0; start < rows.length; start += BATCH) {
    db.transaction(() => {
      for (const [t, seq] of rows.slice(start, start + BATCH)) {
        const tenantId = tenantIds[t] ?? '';
        const at = now - (perTenant - seq) * 30_000;
        const eventId = `evt_${t}_${seq}`;
        insertEvent.run(eventId, tenantId, seq, at);
        // One tenant in ten has a backlog of its last 20 events waiting for a retry; one in fifty has 5 dead.
        const tail = perTenant - seq;
        const status = t % 50 === 0 && tail < 5 ? 'dead' : t % 10 === 0 && tail < 20 ? 'pending' : 'delivered';
        insertDelivery.run(
          `dlv_${t}_${seq}`,
          eventId,
          tenantId,
          status,
          status === 'delivered' ? 1 : 3,
          status === 'pending' ? now + 3_600_000 : at,
          at,
          at + 50,
        );
      }
    })();
    written = Math.min(rows.length, start + BATCH);
    progress('events seeded', written, rows.length);
  }
  db.transaction(() => tenantIds.forEach((id) => setSeq.run(perTenant, id)))();
  db.close();
}

async function main(): Promise<void> {
  const cloudPort = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-operator-'));
  const dbFile = path.join(dir, 'cloud.db');
  const secrets = freshCloudSecrets();
  const cloudUrl = `http://127.0.0.1:${cloudPort}`;
  const cloud = new ServiceProcess(
    'cloud',
    entryOf('cloud-gateway', 'bundle'),
    // No simulator: nothing here calls DingTalk (no scheduled reconciles, pull-mode tenants).
    { ...cloudEnv({ port: cloudPort, dbFile, simUrl: 'http://127.0.0.1:9', secrets }), DIRECTORY_RECONCILE_INTERVAL: 'off', LOG_LEVEL: 'error' },
    cloudUrl,
    { nodeArgs: SERVICE_NODE_ARGS },
  );
  const rows: BenchRow[] = [];
  try {
    await cloud.start();
    benchMemory.watch('cloud', cloud);
    const admin = cloudAdmin(cloudUrl, secrets.adminToken);
    const tenantIds: string[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const created = await admin<{ tenant: { id: string } }>('POST', '/admin/tenants', {
        name: `Tenant ${i}`,
        corpId: `dingbench${i}`,
        appKey: `key${i}`,
        appSecret: 'secret',
        agentId: 1,
      });
      if (created.status !== 201) throw new Error(`tenant ${i}: HTTP ${created.status}`);
      tenantIds.push(created.body.tenant.id);
      progress('tenants created', i + 1, TENANTS);
    }
    const seeded = performance.now();
    seed(dbFile, tenantIds);
    rows.push({ metric: `seeding ${EVENTS.toLocaleString('en')} events and deliveries`, value: Math.round((performance.now() - seeded) / 1000), unit: 's' });

    const latencies: number[] = [];
    let bytes = 0;
    for (let i = 0; i < REQUESTS + 5; i++) {
      const started = performance.now();
      const ask = () => fetch(`${cloudUrl}/admin/views/tenants`, { headers: { authorization: `Bearer ${secrets.adminToken}` } });
      // The keep-alive connection of the tenant creation was closed by the cloud during the long
      // seeding; the first request may meet it closing, and is asked again on a new one.
      const res = await ask().catch((err: unknown) => (i === 0 ? ask() : Promise.reject(err)));
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET /admin/views/tenants: HTTP ${res.status} ${body.slice(0, 200)}`);
      // The first few warm the statement cache and the page cache, as on a running cloud.
      if (i >= 5) latencies.push(performance.now() - started);
      bytes = body.length;
      progress('tenants list requests', i + 1, REQUESTS + 5);
    }
    latencies.sort((a, b) => a - b);
    const p99 = Math.round(percentile(latencies, 99));
    rows.push({ metric: `tenants list (${TENANTS} tenants, ${Math.round(bytes / 1024)} KB) p50`, value: Math.round(percentile(latencies, 50)), unit: 'ms' });
    rows.push({ metric: 'tenants list p99', value: p99, unit: 'ms', target: `≤ ${TARGET_P99_MS}`, verdict: p99 <= TARGET_P99_MS ? 'met' : 'missed' });
  } catch (err) {
    console.error(`the cloud's last output:\n${cloud.tail(60)}`);
    throw err;
  } finally {
    benchMemory.sample();
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  report('operator', rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

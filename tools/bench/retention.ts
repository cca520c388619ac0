// `npm run bench:retention`: a cloud SQLite file with 1,000,000 events (each with its delivery and
// one attempt), 90 % of them delivered and past RETENTION_EVENTS, then the real cloud process
// started on it with its retention job: rows and file size before and after, pruning throughput,
// and the size of a backup (VACUUM INTO: what the freed pages come to once compacted).
// BENCH_RETENTION_EVENTS changes the count.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { cloudAdmin, cloudEnv, createDemoTenant, freePort, freshCloudSecrets, ServiceProcess, waitFor } from '@dtg/testkit';
import { percentile, report, ROOT, type BenchRow } from './bench-support';
import { seedDeliveredEvents } from './seed-events';

const N = Number(process.env.BENCH_RETENTION_EVENTS ?? 1_000_000);
const OLD = Math.round(N * 0.9);
const DAY = 24 * 3600_000;
const MB = 2 ** 20;

function cloudProcess(port: number, dbFile: string, secrets: ReturnType<typeof freshCloudSecrets>, extra: Record<string, string> = {}) {
  return new ServiceProcess(
    'cloud',
    'apps/cloud-gateway/src/main.ts',
    {
      ...cloudEnv({ port, dbFile, simUrl: 'http://127.0.0.1:9', secrets }),
      LOG_LEVEL: 'warn',
      DIRECTORY_RECONCILE_INTERVAL: 'off',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      ...extra,
    },
    `http://127.0.0.1:${port}`,
  );
}

/** 90 % of the events past RETENTION_EVENTS, the rest a day old; the retention job due at once. */
function seed(dbFile: string, tenantId: string): void {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const now = Date.now();
  seedDeliveredEvents(db, tenantId, N, (seq) => (seq <= OLD ? now - 40 * DAY + seq : now - DAY + seq));
  // The first start's run found nothing and asked for its next in an hour: due now instead.
  db.prepare("UPDATE Job SET runAt = ? WHERE id = 'job_retention_prune'").run(now);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function counts(dbFile: string) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const n = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return { events: n('Event'), deliveries: n('Delivery'), attempts: n('DeliveryAttempt'), bytes: statSync(dbFile).size, freeBytes: free * pageSize, pages };
  } finally {
    db.close();
  }
}

function prunedSeq(dbFile: string, tenantId: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT prunedSeq FROM Tenant WHERE id = ?').get(tenantId) as { prunedSeq: number }).prunedSeq;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-retention-'));
  const dbFile = path.join(dir, 'cloud.db');
  const secrets = freshCloudSecrets();
  const port = await freePort();
  try {
    // The tenant is made by the cloud itself (its secrets sealed as the cloud seals them); the rows by hand.
    const first = cloudProcess(port, dbFile, secrets, { RETENTION_EVENTS: 'off' });
    await first.start();
    const tenant = await createDemoTenant(cloudAdmin(first.url, secrets.adminToken), {
      webhookUrl: 'http://127.0.0.1:9/webhooks/cloud',
      returnTo: 'http://127.0.0.1:9/',
    });
    await first.stop();
    console.log(`seeding ${N.toLocaleString('en-US')} events (+ a delivery and an attempt each), ${OLD.toLocaleString('en-US')} of them 40 days old…`);
    const s0 = performance.now();
    seed(dbFile, tenant.id);
    const seedS = (performance.now() - s0) / 1000;
    const before = counts(dbFile);

    // The cloud as deployed would run it, with the retention job's defaults (30 d, batches of 500).
    const cloud = cloudProcess(port, dbFile, secrets);
    const started = performance.now();
    await cloud.start();
    let firstSeen: number | undefined;
    // The cloud keeps answering while it prunes: each poll also times a health probe.
    const probes: number[] = [];
    await waitFor(
      async () => {
        const t0 = performance.now();
        await fetch(`${cloud.url}/healthz`);
        probes.push(performance.now() - t0);
        const seq = prunedSeq(dbFile, tenant.id);
        if (seq > 0) firstSeen ??= performance.now();
        return seq >= OLD;
      },
      'the retention job to prune the old events',
      1_800_000,
    );
    const done = performance.now();
    probes.sort((a, b) => a - b);
    await cloud.stop();
    const after = counts(dbFile);
    const backupFile = path.join(dir, 'backup.db');
    execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps/cloud-gateway/src/cli/cli.ts'), 'backup', backupFile], {
      cwd: ROOT,
      env: { ...process.env, CLOUD_DATABASE_URL: `file:${dbFile}`, ENCRYPTION_KEY: secrets.encryptionKey },
      stdio: 'ignore',
    });
    const pruneS = (done - (firstSeen ?? started)) / 1000;
    const rowsPruned = before.events - after.events + (before.deliveries - after.deliveries) + (before.attempts - after.attempts);

    const rows: BenchRow[] = [
      { metric: 'seeded events (each + delivery + attempt)', value: N, unit: 'events' },
      { metric: 'seeding time', value: Math.round(seedS), unit: 's' },
      { metric: 'rows before: Event / Delivery / DeliveryAttempt', value: `${before.events} / ${before.deliveries} / ${before.attempts}`, unit: 'rows' },
      { metric: 'rows after: Event / Delivery / DeliveryAttempt', value: `${after.events} / ${after.deliveries} / ${after.attempts}`, unit: 'rows' },
      { metric: 'database file before', value: Math.round(before.bytes / MB), unit: 'MiB' },
      { metric: 'database file after pruning (freed pages reused)', value: Math.round(after.bytes / MB), unit: 'MiB' },
      { metric: 'free pages in it after pruning', value: Math.round(after.freeBytes / MB), unit: 'MiB' },
      { metric: 'backup after pruning (compacted, VACUUM INTO)', value: Math.round(statSync(backupFile).size / MB), unit: 'MiB' },
      { metric: 'pruning time (first batch → last old event)', value: Number(pruneS.toFixed(1)), unit: 's' },
      { metric: 'pruning throughput (events + deliveries + attempts)', value: Math.round(rowsPruned / pruneS), unit: 'rows/s' },
      { metric: 'pruning throughput (events with their rows)', value: Math.round(OLD / pruneS), unit: 'events/s' },
      { metric: `GET /healthz while pruning: median (${probes.length} probes)`, value: Number(percentile(probes, 50).toFixed(1)), unit: 'ms' },
      { metric: 'GET /healthz while pruning: slowest', value: Number((probes.at(-1) ?? 0).toFixed(1)), unit: 'ms' },
    ];
    report('retention', rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

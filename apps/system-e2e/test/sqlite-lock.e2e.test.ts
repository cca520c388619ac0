// Another OS process holding the cloud's SQLite write lock (BEGIN IMMEDIATE, as a CLI, a backup or
// a sqlite3 shell can): the cloud keeps answering — /healthz and reads at once, a write after its
// lock wait with 503 + Retry-After and nothing written — and everything works again once the lock
// is released, background work included. And the admin CLI, a backup among its commands, runs
// beside a live, busy cloud.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { call, cloudAdmin, cloudEnv, createDemoTenant, type CreatedTenant, freePort, freshCloudSecrets, ROOT, ServiceProcess, waitFor } from '@dtg/testkit';
import { SqliteLocker } from './support/sqlite-locker';

const METRICS_TOKEN = 'lock-test-metrics-token-0123456789';
const text = (content: string) => ({ recipients: { userIds: ['user020'] }, msg: { msgtype: 'text', text: { content } } });

describe('the cloud beside another process holding its SQLite write lock (real processes)', () => {
  let dir: string;
  let dbFile: string;
  let sim: ServiceProcess;
  let cloud: ServiceProcess;
  let tenant: CreatedTenant;
  let secrets: ReturnType<typeof freshCloudSecrets>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-lock-'));
    dbFile = path.join(dir, 'cloud.db');
    const [simPort, cloudPort] = [await freePort(), await freePort()];
    const simUrl = `http://127.0.0.1:${simPort}`;
    secrets = freshCloudSecrets();
    sim = new ServiceProcess('sim', 'apps/dingtalk-sim/src/main.ts', { SIM_PORT: String(simPort), SIM_LOG: '0' }, simUrl, { healthPath: '/_sim/clock' });
    cloud = new ServiceProcess(
      'cloud',
      'apps/cloud-gateway/src/main.ts',
      {
        ...cloudEnv({ port: cloudPort, dbFile, simUrl, secrets }),
        LOG_LEVEL: 'warn',
        METRICS_TOKEN,
        CLOUD_DATABASE_LOCK_WAIT: '2s',
        JOB_POLL_INTERVAL: '200ms',
      },
      `http://127.0.0.1:${cloudPort}`,
    );
    await Promise.all([sim.start(), cloud.start()]);
    tenant = await createDemoTenant(cloudAdmin(cloud.url, secrets.adminToken), { returnTo: 'http://127.0.0.1:9/' });
  }, 90_000);
  afterAll(async () => {
    await Promise.all([cloud?.stop(), sim?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (content: string) => call<{ id: string; code?: string }>(cloud.url, 'POST', '/v1/messages', { token: tenant.apiKey, body: text(content) });
  const messageStatus = async (id: string) => (await call<{ status: string }>(cloud.url, 'GET', `/v1/messages/${id}`, { token: tenant.apiKey })).body.status;
  const accepted = async () => {
    const { body } = await call<{ events: Array<{ type: string }> }>(cloud.url, 'GET', '/v1/events?after=0&limit=1000', { token: tenant.apiKey });
    return body.events.filter((e) => e.type === 'message.accepted').length;
  };

  it('when another process holds the write lock, then /healthz and reads answer while it is held, a write gets 503 + Retry-After and writes nothing, and after the release all works again', async () => {
    const before = await send('before the lock');
    expect(before.status).toBe(202);
    const acceptedBefore = await accepted();

    const outputBefore = cloud.output.join('').length;
    const locker = await SqliteLocker.lock(dbFile);
    try {
      let writeSettled = false;
      const write = send('while the lock is held').finally(() => (writeSettled = true));
      // Probes one after another while the write waits for the lock: each is answered, the write
      // still unanswered and the lock still held, so nothing waits for the lock on the event loop.
      for (let probe = 0; probe < 5; probe++) {
        const health = await fetch(`${cloud.url}/healthz`);
        expect([probe, health.status, writeSettled, locker.holding]).toEqual([probe, 200, false, true]);
      }
      expect(await messageStatus(before.body.id)).toBeDefined();
      const refused = await write;
      expect([refused.status, refused.body.code, refused.res.headers.get('retry-after')]).toEqual([503, 'database_busy', '1']);
      expect(locker.holding).toBe(true);
      expect(await accepted()).toBe(acceptedBefore);
      // The job runner polls all along (every 200 ms, each poll giving up after 2 s): held until it
      // has given up twice more than the refused write, it has said so once, at warn, not as an error per poll.
      const gaveUp = async () => {
        const text = await (await fetch(`${cloud.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
        return Number(/cloud_db_lock_waits_total\{outcome="gave_up",service="cloud-gateway"\} (\d+)/.exec(text)?.[1] ?? 0);
      };
      await waitFor(async () => (await gaveUp()) >= 3, 'two job-runner polls given up while the lock is held', 15_000);
      const during = cloud.output.join('').slice(outputBefore);
      expect(during).not.toContain('job runner poll failed');
      expect(during.split('another process holds the database write lock').length - 1).toBeLessThanOrEqual(1);
    } finally {
      await locker.release();
    }

    const after = await send('after the release');
    expect(after.status).toBe(202);
    // Background work that met the lock (the job runner's claims, the dispatch) carries on: both messages go out.
    for (const id of [before.body.id, after.body.id]) await waitFor(async () => ['sent', 'completed'].includes(await messageStatus(id)), `message ${id} sent`);
    expect(await accepted()).toBe(acceptedBefore + 1);
    const metrics = await (await fetch(`${cloud.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/cloud_db_lock_waits_total\{outcome="gave_up",service="cloud-gateway"\} [1-9]/);
    expect(metrics).toMatch(/cloud_db_lock_waiters\{service="cloud-gateway"\} 0/);
  }, 60_000);

  it('when the admin CLI issues a key and makes a backup while the cloud is busy writing, then both succeed and the cloud refuses nothing', async () => {
    const admin = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps/cloud-gateway/src/cli/cli.ts'), ...args], {
          cwd: ROOT,
          env: { ...process.env, CLOUD_DATABASE_URL: `file:${dbFile}`, ENCRYPTION_KEY: secrets.encryptionKey },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    // The cloud accepts messages (and dispatches them) the whole time the CLI runs, one request after another.
    let load = true;
    const statuses: number[] = [];
    const writer = (async () => {
      while (load) statuses.push((await send(`load ${statuses.length}`)).status);
    })();
    try {
      const backupFile = path.join(dir, 'backup.db');
      const [issued, backup] = await Promise.all([admin('apikey', 'create', tenant.id), admin('backup', '--to', backupFile)]);
      for (const run of [issued, backup]) expect([run.code, run.stderr]).toEqual([0, '']);
      const key = (JSON.parse(issued.stdout) as { key: string }).key;
      expect((await call(cloud.url, 'GET', '/v1/events?after=0&limit=1', { token: key })).status).toBe(200);
      expect(JSON.parse(backup.stdout)).toMatchObject({ file: backupFile });
      expect(existsSync(backupFile)).toBe(true);
      // The backup is a whole, consistent database: it opens, passes its integrity check and holds the tenant and messages.
      const copy = new Database(backupFile, { readonly: true });
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(copy.prepare('SELECT count(*) AS n FROM Tenant WHERE id = ?').get(tenant.id)).toEqual({ n: 1 });
        expect((copy.prepare('SELECT count(*) AS n FROM Message').get() as { n: number }).n).toBeGreaterThan(0);
      } finally {
        copy.close();
      }
    } finally {
      load = false;
      await writer;
    }
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 202)).toEqual([]);
  }, 90_000);
});

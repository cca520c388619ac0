// The stack the fault, security and property suites drive: the same three processes as
// startStack(), but every secret is chosen here (so the log scan knows what must never appear),
// the cloud's SQLite file is known (row counts, clock-free expiry), the local store may run on a
// private Postgres the test can restart, and both directions between cloud and store may go
// through cuttable TCP gates (a network partition).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { DEMO } from '@dtg/dingtalk-sim';
import {
  cloudAdmin,
  cloudEnv,
  COMPRESSED_DELIVERY,
  createDemoTenant,
  freshCloudSecrets,
  type AdminAnswer,
  type CloudSecrets,
  type CreatedTenant,
} from './cloud-env';
import { freePort } from './ports';
import { PrivatePostgres } from './private-postgres';
import { ServiceProcess } from './service-process';
import { databaseUrl } from './stack';
import { TcpGate } from './tcp-gate';

export interface DrillStackOptions {
  deliveryMode?: 'push' | 'pull';
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Run the local store on a Postgres of its own that the test may stop and start. */
  privatePostgres?: boolean;
  /** Put cuttable TCP gates between cloud and store, both ways. */
  gates?: boolean;
  /** Configure the demo suite in the cloud (suite callbacks, ISV mode). */
  suite?: boolean;
  /** Delivery timing: retries and polls compressed for tests (default), or the services' own defaults. */
  timing?: 'compressed' | 'product';
  cloudEnv?: Record<string, string>;
  localEnv?: Record<string, string>;
}

export interface DrillSecrets extends CloudSecrets {
  localAdminToken: string;
}

export interface DrillStack {
  sim: ServiceProcess;
  cloud: ServiceProcess;
  local: ServiceProcess;
  tenant: CreatedTenant;
  secrets: DrillSecrets;
  /** The local store's database (a pool: it reconnects after a Postgres restart). */
  db: Pool;
  cloudDbFile: string;
  postgres?: PrivatePostgres;
  /** cloud → store (webhooks) and store → cloud (pull, tickets), when `gates` was asked for. */
  gates?: { toLocal: TcpGate; toCloud: TcpGate };
  /** The cloud's admin API with the admin token; `T` is the JSON answer's shape. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<AdminAnswer<T>>;
  /** Everything every process of the stack printed so far. */
  transcript(): string;
  close(): Promise<void>;
}

/** ServiceProcess keeps only its recent output; this keeps all of it, for the secret scan. */
class OutputRecorder {
  private readonly kept = new Map<ServiceProcess, string[]>();
  private readonly timer = setInterval(() => this.drain(), 100);

  constructor(private readonly processes: ServiceProcess[]) {
    for (const p of processes) this.kept.set(p, []);
  }

  add(p: ServiceProcess): void {
    this.processes.push(p);
    this.kept.set(p, []);
  }

  private drain(): void {
    // ServiceProcess drops its oldest half past 2,000 chunks; taking them well before keeps all.
    for (const p of this.processes) if (p.output.length > 500) this.kept.get(p)?.push(...p.output.splice(0, p.output.length - 50));
  }

  text(): string {
    this.drain();
    return this.processes.map((p) => `${(this.kept.get(p) ?? []).join('')}${p.output.join('')}`).join('\n');
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export async function startDrillStack(options: DrillStackOptions = {}): Promise<DrillStack> {
  const [simPort, cloudPort, localPort] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-drill-'));
  chmodSync(dir, 0o700);
  const logLevel = options.logLevel ?? 'warn';
  const compressed = options.timing !== 'product';
  const secrets: DrillSecrets = { ...freshCloudSecrets(), localAdminToken: randomBytes(24).toString('base64url') };
  const simUrl = `http://127.0.0.1:${simPort}`;
  const cloudUrl = `http://127.0.0.1:${cloudPort}`;
  const localUrl = `http://127.0.0.1:${localPort}`;
  const cloudDbFile = path.join(dir, 'cloud.db');
  const sim = new ServiceProcess('sim', 'apps/dingtalk-sim/src/main.ts', { SIM_PORT: String(simPort), SIM_LOG: logLevel === 'debug' ? '1' : '0' }, simUrl, {
    healthPath: '/_sim/clock',
  });
  const suiteEnv: Record<string, string> = options.suite
    ? {
        SUITE_KEY: DEMO.suite.suiteKey,
        SUITE_SECRET: DEMO.suite.suiteSecret,
        SUITE_CALLBACK_TOKEN: DEMO.suite.callbackToken,
        SUITE_CALLBACK_AES_KEY: DEMO.suite.aesKey,
      }
    : {};
  const cloud = new ServiceProcess(
    'cloud',
    'apps/cloud-gateway/src/main.ts',
    {
      ...cloudEnv({ port: cloudPort, dbFile: cloudDbFile, simUrl, secrets }),
      ...(compressed ? COMPRESSED_DELIVERY : {}),
      LOG_LEVEL: logLevel,
      ...suiteEnv,
      ...options.cloudEnv,
    },
    cloudUrl,
  );
  const recorder = new OutputRecorder([sim, cloud]);
  let postgres: PrivatePostgres | undefined;
  let gates: DrillStack['gates'];
  let db: Pool | undefined;
  let local: ServiceProcess | undefined;
  const dbName = `e2e_${randomBytes(6).toString('hex')}`;
  let maintenance: Client | undefined;

  const close = async () => {
    await Promise.all([local?.stop(), cloud.stop(), sim.stop()]);
    recorder.stop();
    await db?.end();
    await Promise.all([gates?.toLocal.close(), gates?.toCloud.close()]);
    await postgres?.close();
    if (maintenance) {
      await maintenance.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await maintenance.end();
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const admin = cloudAdmin(cloudUrl, secrets.adminToken);

  try {
    await Promise.all([sim.start(), cloud.start()]);
    if (options.gates) {
      gates = { toLocal: await TcpGate.start({ host: '127.0.0.1', port: localPort }), toCloud: await TcpGate.start({ host: '127.0.0.1', port: cloudPort }) };
    }
    const pull = options.deliveryMode === 'pull';
    const tenant = await createDemoTenant(admin, {
      webhookUrl: pull ? undefined : `${gates?.toLocal.url ?? localUrl}/webhooks/cloud`,
      returnTo: `${localUrl}/`,
      extra: { callbackToken: DEMO.app.callbackToken, callbackAesKey: DEMO.app.aesKey },
    });

    if (options.privatePostgres) postgres = await PrivatePostgres.start(dbName);
    else {
      const client = new Client({ connectionString: databaseUrl('postgres') });
      await client.connect();
      maintenance = client;
      await client.query(`CREATE DATABASE "${dbName}"`);
    }
    const localDbUrl = postgres ? postgres.url(dbName) : databaseUrl(dbName);
    local = new ServiceProcess(
      'local',
      'apps/local-store/src/main.ts',
      {
        PORT: String(localPort),
        HOST: '127.0.0.1',
        DATABASE_URL: localDbUrl,
        CLOUD_URL: gates?.toCloud.url ?? cloudUrl,
        CLOUD_API_KEY: tenant.apiKey,
        TENANT_ID: tenant.id,
        WEBHOOK_SECRETS: tenant.webhookSecret,
        DELIVERY_MODE: pull ? 'pull' : 'push',
        ...(compressed ? { PULL_INTERVAL: '500ms' } : {}),
        LOCAL_ADMIN_TOKEN: secrets.localAdminToken,
        LOG_LEVEL: logLevel,
        ...options.localEnv,
      },
      localUrl,
    );
    recorder.add(local);
    await local.start();
    db = new Pool({ connectionString: localDbUrl, max: 2 });
    // Idle connections die with a Postgres restart; the pool reconnects on the next query.
    db.on('error', () => undefined);
    return { sim, cloud, local, tenant, secrets, db, cloudDbFile, postgres, gates, admin, transcript: () => recorder.text(), close };
  } catch (err) {
    await close();
    throw err;
  }
}

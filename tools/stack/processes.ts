// Child processes of the stack with prefixed, line-buffered output and a clean shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { ROOT } from './stack-env';

const COLORS = { sim: 35, cloud: 36, local: 32, 'local-isv': 34, stack: 33 } as const;
export type Name = keyof typeof COLORS;

export function say(name: Name, line: string): void {
  const tag = process.stdout.isTTY ? `\x1b[${COLORS[name]}m[${name}]\x1b[0m` : `[${name}]`;
  process.stdout.write(`${tag} ${line}\n`);
}

/** Runs a built service bundle on plain node, with the same node flags as the Docker images. */
export function startProcess(name: Name, entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => say(name, line));
  }
  child.on('exit', (code, signal) => say(name, `exited (${signal ?? code})`));
  return child;
}

export async function waitHealthy(name: Name, url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited before it was healthy`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${name} not healthy at ${url} after ${timeoutMs} ms`);
}

/** SIGTERM every child (each drains and exits); SIGKILL whatever is left after the grace. */
export async function stopAll(children: ChildProcess[], graceMs = 15_000): Promise<void> {
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    alive.map(
      (c) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
}

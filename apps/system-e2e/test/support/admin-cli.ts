// `npm run admin -- <command>` as an operator runs it: a process of its own, on the cloud's SQLite
// file, beside the running cloud. Answers the exit code and the JSON it printed.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '@dtg/testkit';

const CLI = path.join(ROOT, 'apps/cloud-gateway/src/cli/cli.ts');

export interface CliAnswer<T> {
  code: number;
  json: T;
  stderr: string;
}

/** `env` is the cloud's database and keys (CLOUD_DATABASE_URL, ENCRYPTION_KEY, …); nothing else of this process leaks in but PATH. */
export function adminCli<T = Record<string, unknown>>(env: Record<string, string>, args: readonly string[]): Promise<CliAnswer<T>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        const text = code === 0 ? stdout : (stderr.trim().split('\n').at(-1) ?? '');
        try {
          resolve({ code, json: JSON.parse(text) as T, stderr });
        } catch {
          reject(new Error(`admin ${args.join(' ')} exited ${code} without JSON:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** The CLI's environment for a drill stack's cloud. */
export function cliEnv(stack: { cloudDbFile: string; secrets: { encryptionKey: string } }, extra: Record<string, string> = {}): Record<string, string> {
  return { CLOUD_DATABASE_URL: `file:${stack.cloudDbFile}`, ENCRYPTION_KEY: stack.secrets.encryptionKey, ...extra };
}

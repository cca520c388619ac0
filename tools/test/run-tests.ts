// `npm test`'s last step: one Jest run over every project, against a real Postgres.
// TEST_DATABASE_URL wins; otherwise an embedded Postgres is started for the run and removed after.
// The browser system e2e needs Debian's Chromium: installed first (apt-get) when missing and root.
// Ends with the plain totals line CI reads: "N passed, N failed, N skipped".
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PrivatePostgres } from '@dtg/testkit';

const root = path.resolve(__dirname, '../..');
/** apps/system-e2e/test/support/chromium.ts launches this binary through playwright-core. */
const CHROMIUM = '/usr/bin/chromium';
/** A Chinese font (Debian's fonts-wqy-microhei, 5 MB): without one the zh-CN screenshots show empty boxes. */
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

interface JestSummary {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function ensureChromium(): Promise<void> {
  const missing = [...(existsSync(CHROMIUM) ? [] : ['chromium']), ...(existsSync(CJK_FONT) ? [] : ['fonts-wqy-microhei'])];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    if (missing.includes('chromium')) {
      throw new Error(`${CHROMIUM} is missing; the browser tests need it. Install it as root (apt-get install -y chromium) and run npm test again.`);
    }
    console.log(`[test] no Chinese font (${CJK_FONT}): the zh-CN screenshots will show boxes; apt-get install -y fonts-wqy-microhei as root fixes that`);
    return;
  }
  console.log(`[test] installing Debian's ${missing.join(' and ')} for the browser tests`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], env);
  await run('apt-get', ['install', '-y', ...missing], env);
}

async function main(): Promise<number> {
  await ensureChromium();
  let embedded: PrivatePostgres | undefined;
  const env = { ...process.env };
  if (!env.TEST_DATABASE_URL) {
    embedded = await PrivatePostgres.start();
    env.TEST_DATABASE_URL = embedded.url('postgres');
    console.log(`[test] embedded Postgres on port ${embedded.port} (set TEST_DATABASE_URL to use another server)`);
  }
  const resultsDir = path.join(root, '.data');
  mkdirSync(resultsDir, { recursive: true });
  const resultsFile = path.join(resultsDir, `jest-results-${process.pid}.json`);
  const args = [require.resolve('jest/bin/jest'), '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)];
  if (env.CI) args.push('--ci');
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  await embedded?.close();
  if (!existsSync(resultsFile)) {
    console.log('0 passed, 1 failed');
    return code || 1;
  }
  const summary = JSON.parse(readFileSync(resultsFile, 'utf8')) as JestSummary;
  rmSync(resultsFile, { force: true });
  const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(`${summary.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);

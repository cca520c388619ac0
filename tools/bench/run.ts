// `npm run bench`: delivery, send, tokens, stream, directory, forwarding, oidc, operator and scale one after another, each as its own process (so one
// benchmark's leftovers cannot slow the next), then one combined table and JSON file.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { machine, report, ROOT, type BenchRow } from './bench-support';

const BENCHES = ['delivery', 'send', 'tokens', 'stream', 'directory', 'forwarding', 'oidc', 'operator', 'scale'] as const;
const RESULTS = path.join(ROOT, '.data', 'bench');

function runChild(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, `${name}.ts`)], { cwd: ROOT, stdio: 'inherit' });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** The JSON the child's report() wrote: the newest `<name>-*.json` since the child started. */
function resultOf(name: string, since: number): BenchRow[] | undefined {
  const files = readdirSync(RESULTS)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.json'))
    .map((f) => ({ f, at: statSync(path.join(RESULTS, f)).mtimeMs }))
    .filter((x) => x.at >= since)
    .sort((a, b) => b.at - a.at);
  const newest = files[0];
  return newest ? (JSON.parse(readFileSync(path.join(RESULTS, newest.f), 'utf8')) as { rows: BenchRow[] }).rows : undefined;
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: BenchRow[] = [{ metric: 'machine cores', value: machine().cores, unit: '' }];
  let failed = 0;
  for (const name of BENCHES) {
    console.log(`\n=== ${name} ===`);
    const since = Date.now();
    const t0 = performance.now();
    const code = await runChild(name);
    const own = code === 0 ? resultOf(name, since) : undefined;
    if (!own) {
      failed++;
      rows.push({ metric: `${name}: FAILED`, value: `exit ${code}`, unit: '' });
      continue;
    }
    rows.push(...own.map((r) => ({ ...r, metric: `${name}: ${r.metric}` })));
    rows.push({ metric: `${name}: benchmark wall time`, value: Math.round((performance.now() - t0) / 1000), unit: 's' });
  }
  rows.push({ metric: 'whole run wall time', value: Math.round((performance.now() - started) / 1000), unit: 's' });
  report('bench', rows);
  if (failed > 0) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// Shared bits of the benchmark scripts: a Postgres to run against, percentiles, progress lines,
// a printed table and a JSON result file (for comparison over time).
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { PrivatePostgres } from '@dtg/testkit';
import type { BenchRow } from './bench-row';
import { benchMemory } from './memory';

export type { BenchRow } from './bench-row';

export const ROOT = path.resolve(__dirname, '../..');

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    setTimeout(() => {
      s.destroy();
      resolve(false);
    }, 1000);
  });
}

/** TEST_DATABASE_URL, else the machine's Postgres on 5432, else an embedded one for the run. */
export async function withPostgres<T>(fn: () => Promise<T>): Promise<T> {
  if (process.env.TEST_DATABASE_URL) return fn();
  if (await answers(5432)) {
    process.env.TEST_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
    return fn();
  }
  const pg = await PrivatePostgres.start();
  process.env.TEST_DATABASE_URL = pg.url('postgres');
  try {
    return await fn();
  } finally {
    await pg.close();
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export function progress(label: string, done: number, total: number): void {
  const line = `  ${label}: ${done}/${total} (${Math.round((done / total) * 100)}%)`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
  else if (done === total || done % Math.max(1, Math.round(total / 10)) === 0) console.log(line);
}

export function machine() {
  return { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
}

/** Prints and writes the rows, then the peak RSS of every cloud and store the benchmark watched (memory.ts). */
export function report(name: string, own: BenchRow[]): void {
  const rows = [...own, ...benchMemory.rows(name)];
  const m = machine();
  console.log(`\n${name} — ${m.cores} cores (${m.cpu}), ${m.memoryGb} GiB, Node ${m.node}`);
  const width = Math.max(...rows.map((r) => r.metric.length));
  for (const r of rows) {
    const value = typeof r.value === 'number' ? r.value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : r.value;
    const target = r.target ? `  target ${r.target}${r.verdict ? ` — ${r.verdict}` : ''}` : '';
    console.log(`  ${r.metric.padEnd(width)}  ${String(value).padStart(10)} ${r.unit}${target}`);
  }
  const dir = path.join(ROOT, '.data', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ name, at: new Date().toISOString(), machine: m, rows }, null, 2));
  console.log(`  (results written to ${path.relative(ROOT, file)})`);
}

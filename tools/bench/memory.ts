// Peak RSS of the services a benchmark started, printed by every benchmark against issue #23's
// targets. VmHWM (the kernel's high-water mark of the resident set) is read every 200 ms while a
// service runs and once more when asked, so a peak between two samples is still seen: the mark
// only grows until the process exits (or until `resetPeak` clears it to measure one phase alone).
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchRow } from './bench-row';

export type Role = 'cloud' | 'local store';

/** Issue #23 §5: across every benchmark. */
export const RSS_TARGET_MB: Record<Role, number> = { cloud: 160, 'local store': 128 };

const SAMPLE_MS = 200;

/** Anything with a pid: a testkit ServiceProcess. */
interface Watched {
  readonly pid: number | undefined;
}

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) : undefined;
  } catch {
    return undefined; // exited, or not Linux
  }
}

/** The process's peak RSS so far, in MB (Linux only). */
export function peakRssMb(service: Watched): number | undefined {
  const kb = service.pid ? statusKb(service.pid, 'VmHWM') : undefined;
  return kb === undefined ? undefined : Math.round(kb / 1024);
}

/**
 * Clears the process's high-water mark to its current RSS (`/proc/<pid>/clear_refs` = 5), so the
 * next read is the peak of what follows. False where the kernel does not allow it.
 */
export function resetPeak(service: Watched): boolean {
  if (!service.pid) return false;
  try {
    writeFileSync(`/proc/${service.pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Collects the peak RSS per role over every process of that role the benchmark starts. */
class MemoryPeaks {
  private readonly peaks = new Map<Role, number>();
  private readonly watched = new Set<{ role: Role; service: Watched }>();
  private readonly timer = setInterval(() => this.sample(), SAMPLE_MS);

  constructor() {
    this.timer.unref();
  }

  /** Follows a service while it runs (a restart is followed too: the pid is read at each sample). */
  watch(role: Role, service: Watched): void {
    this.watched.add({ role, service });
    this.sample();
  }

  /** Reads every watched process now (call before stopping them to catch the last 200 ms). */
  sample(): void {
    for (const { role, service } of this.watched) {
      const mb = peakRssMb(service);
      if (mb !== undefined && mb > (this.peaks.get(role) ?? 0)) this.peaks.set(role, mb);
    }
  }

  /** One row per role that ran, with its target. */
  rows(label: string): BenchRow[] {
    this.sample();
    return [...this.peaks].map(([role, mb]) => peakRow(`${role} peak RSS (${label} bench)`, role, mb));
  }
}

/**
 * The benchmark process's one collector: the stacks it starts register their cloud and store here
 * (`watchStack`, bench-store.ts, send-stack.ts) and report() prints their peaks.
 */
export const benchMemory = new MemoryPeaks();

/** A testkit stack's cloud and local store (the simulator is DingTalk's, not ours to budget). */
export function watchStack(stack: { cloud: Watched; local: Watched }): void {
  benchMemory.watch('cloud', stack.cloud);
  benchMemory.watch('local store', stack.local);
}

export function peakRow(metric: string, role: Role, mb: number | undefined): BenchRow {
  const target = RSS_TARGET_MB[role];
  return { metric, value: mb ?? 'n/a', unit: 'MB', target: `≤ ${target}`, verdict: mb === undefined ? '' : mb <= target ? 'met' : 'missed' };
}

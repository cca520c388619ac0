// What the delivery benchmarks (delivery.ts, scale.ts) share: producing test events at a steady
// rate, and each event's lag from its commit at the cloud to its apply in the store.
import { percentile, progress, type BenchRow } from './bench-support';

/** Steady mode emits every 100 ms whatever brings the total to rate × elapsed time. */
const STEADY_TICK_MS = 100;

export interface EventLag {
  /** occurredAt at the cloud (its commit), epoch ms. */
  at: number;
  appliedAt: number;
  lagMs: number;
}

export interface LagSource {
  /** Any cloud replica: the events feed reads the shared outbox. */
  cloudUrl: string;
  apiKey: string;
  /** A query on the store's database (a pg Client or Pool). */
  query(sql: string): Promise<{ rows: unknown[] }>;
}

/** Each event's lag: applied in Postgres minus occurredAt in the cloud (same machine clock). */
export async function eventLags(source: LagSource): Promise<EventLag[]> {
  const occurred = new Map<string, number>();
  for (let after = 0; ;) {
    const res = await fetch(`${source.cloudUrl}/v1/events?after=${after}&limit=1000`, { headers: { authorization: `Bearer ${source.apiKey}` } });
    const page = (await res.json()) as { events: { id: string; occurredAt: string }[]; next: number };
    for (const e of page.events) occurred.set(e.id, Date.parse(e.occurredAt));
    if (page.events.length === 0) break;
    after = page.next;
  }
  const rows = (await source.query('SELECT event_id, processed_at FROM processed_events')).rows as { event_id: string; processed_at: Date }[];
  return rows.flatMap((r) => {
    const at = occurred.get(r.event_id);
    return at === undefined ? [] : [{ at, appliedAt: r.processed_at.getTime(), lagMs: r.processed_at.getTime() - at }];
  });
}

/** Emits `total` events at `rate` per second; returns the seconds it took (a slow emit is caught up by the next one's larger count). */
export async function emitSteadily(emit: (count: number) => Promise<void>, rate: number, total: number): Promise<number> {
  const t0 = performance.now();
  let emitted = 0;
  while (emitted < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    if (due > emitted) {
      await emit(due - emitted);
      emitted = due;
      progress('emitted', emitted, total);
    }
    const next = t0 + Math.ceil((performance.now() - t0 + 1) / STEADY_TICK_MS) * STEADY_TICK_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  return (performance.now() - t0) / 1000;
}

export interface SteadyLags {
  /** Lags of the events emitted after the warm-up, sorted. */
  lags: number[];
  /** Lags of the warm-up's events, sorted (a cold stack's first seconds lag more). */
  warmup: number[];
  /** The store's apply rate over the measured events. */
  applyRate: number;
}

export function steadyLags(all: readonly EventLag[], measuredFrom: number): SteadyLags {
  const measured = all.filter((e) => e.at >= measuredFrom);
  const sorted = (xs: EventLag[]) => xs.map((e) => e.lagMs).sort((a, b) => a - b);
  const applied = measured.map((e) => e.appliedAt);
  const applyRate = measured.length / Math.max((Math.max(...applied) - Math.min(...applied)) / 1000, 0.001);
  return { lags: sorted(measured), warmup: sorted(all.filter((e) => e.at < measuredFrom)), applyRate };
}

/** The p99 row with the 500 ms target. */
export function lagP99Row(metric: string, lags: readonly number[]): BenchRow {
  const p99 = percentile(lags, 99);
  return { metric, value: p99, unit: 'ms', target: '≤ 500', verdict: p99 <= 500 ? 'met' : 'missed' };
}

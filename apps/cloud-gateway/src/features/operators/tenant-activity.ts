// A tenant's last 24 hours by the hour, for the console's chart: events written, events pushed
// (delivered), and the worst push lag of the hour (delivered − occurred). Read from the outbox the
// cloud keeps anyway; the tenant's events of the day are found through the (tenantId, seq) index
// from the first seq of the window.
import type { Sql } from '../../db/prisma';

const HOUR_MS = 3_600_000;

export interface ActivityHour {
  /** start of the hour, epoch ms */
  at: number;
  events: number;
  pushed: number;
  maxLagMs: number | null;
}

export async function tenantActivity(sql: Sql, tenantId: string, now: number): Promise<ActivityHour[]> {
  const since = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
  // Seqs grow with time: a binary search over seq finds the window's first event in O(log n) probes.
  const bounds = await sql.get<{ lo: number | null; hi: number | null }>('SELECT min(seq) AS lo, max(seq) AS hi FROM "Event" WHERE "tenantId" = ?', tenantId);
  let [lo, hi] = [bounds?.lo ?? 1, (bounds?.hi ?? 0) + 1];
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const at = (await sql.get<{ occurredAt: number }>('SELECT "occurredAt" FROM "Event" WHERE "tenantId" = ? AND seq >= ? ORDER BY seq LIMIT 1', tenantId, mid))
      ?.occurredAt;
    if (at === undefined || at >= since) hi = mid;
    else lo = mid + 1;
  }
  // Timestamps are epoch ms on SQLite and timestamptz on Postgres.
  const ms = (column: string) => (sql.dialect === 'postgres' ? `(extract(epoch FROM ${column}) * 1000)` : column);
  const rows = await sql.all<{ hour: number; events: number; pushed: number; maxLag: number | null }>(
    `SELECT floor(${ms('e."occurredAt"')} / ${HOUR_MS}) * ${HOUR_MS} AS hour, count(*) AS events,
       sum(CASE WHEN d.status = 'delivered' THEN 1 ELSE 0 END) AS pushed,
       max(CASE WHEN d.status = 'delivered' THEN ${ms('d."updatedAt"')} - ${ms('e."occurredAt"')} END) AS "maxLag"
     FROM "Event" e LEFT JOIN "Delivery" d ON d."eventId" = e.id
     WHERE e."tenantId" = ? AND e.seq >= ? AND e."occurredAt" >= ?
     GROUP BY hour`,
    tenantId,
    lo,
    new Date(since),
  );
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  return Array.from({ length: 24 }, (_, i) => {
    const at = since + i * HOUR_MS;
    const row = byHour.get(at);
    return { at, events: row?.events ?? 0, pushed: row?.pushed ?? 0, maxLagMs: row?.maxLag ?? null };
  });
}

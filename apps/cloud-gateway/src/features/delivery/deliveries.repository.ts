// Delivery rows are claimed with an expiring lease: a dispatcher that dies mid-push leaves rows in
// `delivering` whose lease runs out, and the next scan takes them again. Timestamps are integer
// milliseconds in SQLite (the adapter's unixepoch-ms format), hence the numeric comparisons.
// The queries name `status` explicitly so SQLite walks the (tenantId, status, nextAttemptAt)
// index instead of every delivered row: claiming stays O(batch), not O(history).
import type { Db, DbTx } from '../../db/prisma';

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  attempts: number;
}

export interface EventRow {
  id: string;
  tenantId: string;
  seq: number;
  type: string;
  occurredAt: number;
  data: string;
  requestId: string | null;
}

export interface AttemptResult {
  deliveryId: string;
  httpStatus?: number;
  durationMs: number;
  response?: string;
  error?: string;
  outcome: { status: 'delivered' | 'dead' | 'pending'; attempts: number; nextAttemptAt?: number; lastError?: string };
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

export const deliveriesRepository = {
  /** Tenants (active ones only: a suspended tenant gets nothing) with something due now. */
  async tenantsWithDueWork(db: DbTx, now: number): Promise<string[]> {
    // One index probe per active tenant, rather than reading every due row.
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT t.id FROM Tenant t WHERE t.status = 'active' AND (
         EXISTS (SELECT 1 FROM Delivery d WHERE d.tenantId = t.id AND d.status = 'pending' AND d.nextAttemptAt <= ?)
         OR EXISTS (SELECT 1 FROM Delivery d WHERE d.tenantId = t.id AND d.status = 'delivering' AND d.leaseUntil < ?))`,
      now,
      now,
    );
    return rows.map((r) => r.id);
  },

  async claim(db: DbTx, tenantId: string, owner: string, limit: number, now: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return db.$queryRawUnsafe<ClaimedDelivery[]>(
      `UPDATE Delivery SET status = 'delivering', leaseOwner = ?, leaseUntil = ?, updatedAt = ?
       WHERE id IN (
         SELECT id FROM (
           SELECT id, nextAttemptAt AS due FROM Delivery WHERE tenantId = ? AND status = 'pending' AND nextAttemptAt <= ?
           UNION ALL
           SELECT id, leaseUntil AS due FROM Delivery WHERE tenantId = ? AND status = 'delivering' AND leaseUntil < ?
         ) ORDER BY due LIMIT ?)
       RETURNING id, eventId, attempts`,
      owner,
      now + leaseMs,
      now,
      tenantId,
      now,
      tenantId,
      now,
      limit,
    );
  },

  async events(db: DbTx, ids: readonly string[]): Promise<Map<string, EventRow>> {
    if (ids.length === 0) return new Map();
    const rows = await db.$queryRawUnsafe<EventRow[]>(
      `SELECT id, tenantId, seq, type, occurredAt, data, requestId FROM Event WHERE id IN (${placeholders(ids.length)})`,
      ...ids,
    );
    return new Map(rows.map((r) => [r.id, { ...r, seq: Number(r.seq), occurredAt: Number(r.occurredAt) }]));
  },

  /**
   * Records a batch of finished attempts in one transaction: an attempt row each, and the new
   * state of each delivery. Until this commits the rows stay leased, so a crash only re-sends.
   */
  async record(db: Db, results: readonly AttemptResult[], now: number): Promise<void> {
    if (results.length === 0) return;
    const attempts = db.$executeRawUnsafe(
      `INSERT INTO DeliveryAttempt (deliveryId, at, httpStatus, durationMs, response, error) VALUES ${results.map(() => '(?,?,?,?,?,?)').join(',')}`,
      ...results.flatMap((r) => [r.deliveryId, now, r.httpStatus ?? null, r.durationMs, r.response?.slice(0, 1024) ?? null, r.error?.slice(0, 1024) ?? null]),
    );
    const delivered = results.filter((r) => r.outcome.status === 'delivered');
    const others = results.filter((r) => r.outcome.status !== 'delivered');
    const updates = others.map((r) =>
      db.$executeRawUnsafe(
        `UPDATE Delivery SET status = ?, attempts = ?, nextAttemptAt = COALESCE(?, nextAttemptAt), lastError = ?, leaseOwner = NULL, leaseUntil = NULL, updatedAt = ? WHERE id = ?`,
        r.outcome.status,
        r.outcome.attempts,
        r.outcome.nextAttemptAt ?? null,
        r.outcome.lastError ?? null,
        now,
        r.deliveryId,
      ),
    );
    const done = delivered.length
      ? [
          db.$executeRawUnsafe(
            `UPDATE Delivery SET status = 'delivered', attempts = attempts + 1, lastError = NULL, leaseOwner = NULL, leaseUntil = NULL, updatedAt = ? WHERE id IN (${placeholders(delivered.length)})`,
            now,
            ...delivered.map((r) => r.deliveryId),
          ),
        ]
      : [];
    await db.$transaction([attempts, ...updates, ...done]);
  },
};

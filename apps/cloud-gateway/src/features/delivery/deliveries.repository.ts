// Delivery rows are claimed with an expiring lease: a dispatcher that dies mid-push leaves rows in
// `delivering` whose lease runs out, and the next scan takes them again. Timestamps are integer
// milliseconds in SQLite (the adapter's unixepoch-ms format), hence the numeric comparisons.
// The queries name `status` explicitly so SQLite walks the (tenantId, status, nextAttemptAt)
// index instead of every delivered row: claiming stays O(batch), not O(history).
// Direct SQL (db/sql.ts), like the outbox that writes these rows: the dispatcher
// is a hot path, and these statements are set-based SQL Prisma's models cannot express. Lists go in
// as one JSON parameter (json_each), so each statement has one text and stays prepared.
import type { Sql } from '../../db/prisma';

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
  /** Whose endpoint answered (endpoint health, operational events); not stored with the attempt. */
  tenantId: string;
  /** The event pushed, for the delivery.dead report; not stored with the attempt. */
  event?: { id: string; seq: number; type: string };
  httpStatus?: number;
  durationMs: number;
  response?: string;
  error?: string;
  outcome: { status: 'delivered' | 'dead' | 'pending'; attempts: number; nextAttemptAt?: number; lastError?: string };
}

export const deliveriesRepository = {
  /**
   * Tenants with something due now: active ones only (a suspended tenant gets nothing) whose
   * endpoint is not disabled (endpoint-health.ts; their events wait in the outbox).
   */
  async tenantsWithDueWork(sql: Sql, now: number): Promise<string[]> {
    // One index probe per active tenant, rather than reading every due row.
    const rows = await sql.all<{ id: string }>(
      `SELECT t.id FROM Tenant t WHERE t.status = 'active' AND t.endpointDisabledAt IS NULL AND (
         EXISTS (SELECT 1 FROM Delivery d WHERE d.tenantId = t.id AND d.status = 'pending' AND d.nextAttemptAt <= ?)
         OR EXISTS (SELECT 1 FROM Delivery d WHERE d.tenantId = t.id AND d.status = 'delivering' AND d.leaseUntil < ?))`,
      now,
      now,
    );
    return rows.map((r) => r.id);
  },

  /** Nothing while the tenant's endpoint is disabled: a worker that was running when it happened stops claiming. */
  async claim(sql: Sql, tenantId: string, owner: string, limit: number, now: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return await sql.all<ClaimedDelivery>(
      `UPDATE Delivery SET status = 'delivering', leaseOwner = ?, leaseUntil = ?, updatedAt = ?
       WHERE (SELECT endpointDisabledAt FROM Tenant WHERE id = ?) IS NULL AND id IN (
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
      tenantId,
      now,
      tenantId,
      now,
      limit,
    );
  },

  async events(sql: Sql, ids: readonly string[]): Promise<Map<string, EventRow>> {
    if (ids.length === 0) return new Map();
    const rows = await sql.all<EventRow>(
      'SELECT id, tenantId, seq, type, occurredAt, data, requestId FROM Event WHERE id IN (SELECT value FROM json_each(?))',
      JSON.stringify(ids),
    );
    return new Map(rows.map((r) => [r.id, r]));
  },

  /**
   * Records a batch of finished attempts in one transaction (the caller's): an attempt row each, and
   * the new state of each delivery. Until this commits the rows stay leased, so a crash only re-sends.
   */
  async record(sql: Sql, results: readonly AttemptResult[], now: number): Promise<void> {
    if (results.length === 0) return;
    await sql.run(
      `INSERT INTO DeliveryAttempt (deliveryId, at, httpStatus, durationMs, response, error)
       SELECT value ->> 0, ?, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`,
      now,
      JSON.stringify(
        results.map((r) => [r.deliveryId, r.httpStatus ?? null, r.durationMs, r.response?.slice(0, 1024) ?? null, r.error?.slice(0, 1024) ?? null]),
      ),
    );
    for (const r of results) {
      if (r.outcome.status === 'delivered') continue;
      await sql.run(
        `UPDATE Delivery SET status = ?, attempts = ?, nextAttemptAt = COALESCE(?, nextAttemptAt), lastError = ?, leaseOwner = NULL, leaseUntil = NULL, updatedAt = ? WHERE id = ?`,
        r.outcome.status,
        r.outcome.attempts,
        r.outcome.nextAttemptAt ?? null,
        r.outcome.lastError ?? null,
        now,
        r.deliveryId,
      );
    }
    const delivered = results.filter((r) => r.outcome.status === 'delivered').map((r) => r.deliveryId);
    if (delivered.length === 0) return;
    await sql.run(
      `UPDATE Delivery SET status = 'delivered', attempts = attempts + 1, lastError = NULL, leaseOwner = NULL, leaseUntil = NULL, updatedAt = ? WHERE id IN (SELECT value FROM json_each(?))`,
      now,
      JSON.stringify(delivered),
    );
  },
};

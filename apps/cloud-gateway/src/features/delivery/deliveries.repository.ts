// Delivery rows are claimed with an expiring lease: a dispatcher that dies mid-push leaves rows in
// `delivering` whose lease runs out, and the next scan takes them again. Timestamps are integer
// milliseconds in SQLite (the adapter's unixepoch-ms format) and timestamptz on Postgres: bound as Date.
// The queries name `status` explicitly so SQLite walks the (tenantId, status, nextAttemptAt)
// index instead of every delivered row: claiming stays O(batch), not O(history).
// Direct SQL (db/sql.ts), like the outbox that writes these rows: the dispatcher
// is a hot path, and these statements are set-based SQL Prisma's models cannot express. Lists go in
// as one parameter (idList), so each statement has one text and stays prepared.
// On Postgres the claim locks what it takes with SKIP LOCKED: replicas claiming the same tenant at
// once get different rows, and none waits for another.
import { idList, type Sql } from '../../db/prisma';
import type { StoredEvent } from '../outbox/events.repository';

/** The due rows, oldest first: pending ones whose time came, and leases that ran out (their holder died). */
const CLAIM_SQLITE = `SELECT id FROM (
           SELECT id, "nextAttemptAt" AS due FROM "Delivery" WHERE "tenantId" = ? AND status = 'pending' AND "nextAttemptAt" <= ?
           UNION ALL
           SELECT id, "leaseUntil" AS due FROM "Delivery" WHERE "tenantId" = ? AND status = 'delivering' AND "leaseUntil" < ?
         ) AS due ORDER BY due LIMIT ?`;
// Postgres: FOR UPDATE is not allowed on a UNION, so each side locks (and limits) its own rows in a CTE.
const CLAIM_POSTGRES = `WITH pending AS (
           SELECT id, "nextAttemptAt" AS due FROM "Delivery" WHERE "tenantId" = ? AND status = 'pending' AND "nextAttemptAt" <= ?
           ORDER BY "nextAttemptAt" LIMIT ? FOR UPDATE SKIP LOCKED),
         expired AS (
           SELECT id, "leaseUntil" AS due FROM "Delivery" WHERE "tenantId" = ? AND status = 'delivering' AND "leaseUntil" < ?
           ORDER BY "leaseUntil" LIMIT ? FOR UPDATE SKIP LOCKED)
         SELECT id FROM (SELECT * FROM pending UNION ALL SELECT * FROM expired) AS due ORDER BY due LIMIT ?`;

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  attempts: number;
}

export interface EventRow extends StoredEvent {
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
      `SELECT t.id FROM "Tenant" t WHERE t.status = 'active' AND t."endpointDisabledAt" IS NULL AND (
         EXISTS (SELECT 1 FROM "Delivery" d WHERE d."tenantId" = t.id AND d.status = 'pending' AND d."nextAttemptAt" <= ?)
         OR EXISTS (SELECT 1 FROM "Delivery" d WHERE d."tenantId" = t.id AND d.status = 'delivering' AND d."leaseUntil" < ?))`,
      new Date(now),
      new Date(now),
    );
    return rows.map((r) => r.id);
  },

  /** Nothing while the tenant's endpoint is disabled: a worker that was running when it happened stops claiming. */
  async claim(sql: Sql, tenantId: string, owner: string, limit: number, now: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const at = new Date(now);
    const due =
      sql.dialect === 'postgres'
        ? { text: CLAIM_POSTGRES, params: [tenantId, at, limit, tenantId, at, limit, limit] }
        : { text: CLAIM_SQLITE, params: [tenantId, at, tenantId, at, limit] };
    return await sql.all<ClaimedDelivery>(
      `UPDATE "Delivery" SET status = 'delivering', "leaseOwner" = ?, "leaseUntil" = ?, "updatedAt" = ?
       WHERE (SELECT "endpointDisabledAt" FROM "Tenant" WHERE id = ?) IS NULL AND id IN (${due.text})
       RETURNING id, "eventId", attempts`,
      owner,
      new Date(now + leaseMs),
      at,
      tenantId,
      ...due.params,
    );
  },

  async events(sql: Sql, ids: readonly string[]): Promise<Map<string, EventRow>> {
    if (ids.length === 0) return new Map();
    const list = idList(sql, ids);
    const rows = await sql.all<EventRow>(`SELECT id, "tenantId", seq, type, "occurredAt", data, "requestId" FROM "Event" WHERE id ${list.match}`, list.param);
    return new Map(rows.map((r) => [r.id, r]));
  },

  /**
   * Records a batch of finished attempts in one transaction (the caller's): an attempt row each, and
   * the new state of each delivery. Until this commits the rows stay leased, so a crash only re-sends.
   */
  async record(sql: Sql, results: readonly AttemptResult[], now: number): Promise<void> {
    if (results.length === 0) return;
    const at = new Date(now);
    // One statement for the batch's attempts, from one JSON array parameter.
    await sql.run(
      sql.dialect === 'postgres'
        ? `INSERT INTO "DeliveryAttempt" ("deliveryId", at, "httpStatus", "durationMs", response, error)
           SELECT v ->> 0, ?, (v ->> 1)::int, (v ->> 2)::int, v ->> 3, v ->> 4 FROM jsonb_array_elements(?::jsonb) AS v`
        : `INSERT INTO "DeliveryAttempt" ("deliveryId", at, "httpStatus", "durationMs", response, error)
           SELECT value ->> 0, ?, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`,
      at,
      JSON.stringify(
        results.map((r) => [r.deliveryId, r.httpStatus ?? null, r.durationMs, r.response?.slice(0, 1024) ?? null, r.error?.slice(0, 1024) ?? null]),
      ),
    );
    for (const r of results) {
      if (r.outcome.status === 'delivered') continue;
      await sql.run(
        `UPDATE "Delivery" SET status = ?, attempts = ?, "nextAttemptAt" = COALESCE(?, "nextAttemptAt"), "lastError" = ?, "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = ? WHERE id = ?`,
        r.outcome.status,
        r.outcome.attempts,
        r.outcome.nextAttemptAt === undefined ? null : new Date(r.outcome.nextAttemptAt),
        r.outcome.lastError ?? null,
        at,
        r.deliveryId,
      );
    }
    const delivered = results.filter((r) => r.outcome.status === 'delivered').map((r) => r.deliveryId);
    if (delivered.length === 0) return;
    const list = idList(sql, delivered);
    await sql.run(
      `UPDATE "Delivery" SET status = 'delivered', attempts = attempts + 1, "lastError" = NULL, "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = ? WHERE id ${list.match}`,
      at,
      list.param,
    );
  },
};

// The delivery log of subscriptions: one row per (subscription, change), claimed with an expiring
// lease through FOR UPDATE SKIP LOCKED, so several store processes share the work and never push
// the same event at once; a crashed process's claims are taken again when their lease runs out.
import type { Delivery, DeliveryAttempt, DeliveryStatus } from '@dtg/contracts';
import { inTransaction, type Sql } from '../../db/sql';
import type { Pool } from 'pg';
import { isoJson } from '../changes/change-json';

export interface ClaimedDelivery {
  id: string;
  seq: number;
  attempts: number;
  /** Undefined when the change is gone (it never is, short of someone deleting rows). */
  event?: PushableEvent;
}

export interface PushableEvent {
  eventId: string;
  /** The exact JSON body that is signed and sent: assembled from the stored JSON text, not re-serialised. */
  body: string;
}

export interface AttemptResult {
  deliveryId: string;
  httpStatus?: number;
  durationMs: number;
  response?: string;
  error?: string;
  outcome: { status: 'delivered' } | { status: 'pending'; nextAttemptAt: Date; lastError: string } | { status: 'dead'; lastError: string };
}

/** Changes after a subscription's cursor, up to this many per round (a replay of a long history goes in steps). */
const FAN_OUT_STEP = 5000;

// A type matches an exact pattern, its family's wildcard (`message.*` covers `message.recipients.updated`) or `*`.
const MATCHES = `(c.type = ANY(s.event_types) OR split_part(c.type, '.', 1) || '.*' = ANY(s.event_types) OR '*' = ANY(s.event_types))`;

// One statement per round for every subscription that is behind: rows for the changes it matches
// (an existing row is left alone), and its cursor moved. The subscriptions are row-locked, skipping
// ones another process is fanning out right now.
const FAN_OUT = `
  WITH head AS (SELECT coalesce((SELECT last_seq FROM change_sequence WHERE tenant_id = $1), 0) AS last_seq),
  subs AS (
    SELECT s.id, s.event_types, s.fanned_out_through AS after, least(h.last_seq, s.fanned_out_through + ${FAN_OUT_STEP}) AS through
    FROM subscriptions s, head h
    WHERE s.tenant_id = $1 AND s.fanned_out_through < h.last_seq
    ORDER BY s.id FOR UPDATE OF s SKIP LOCKED
  ), created AS (
    INSERT INTO subscription_deliveries (subscription_id, change_seq, status, next_attempt_at)
    SELECT s.id, c.seq, 'pending', now()
    FROM subs s JOIN changes c ON c.tenant_id = $1 AND c.seq > s.after AND c.seq <= s.through
    WHERE ${MATCHES}
    ORDER BY s.id, c.seq
    ON CONFLICT (subscription_id, change_seq) DO NOTHING
    RETURNING 1
  ), moved AS (
    UPDATE subscriptions t SET fanned_out_through = s.through FROM subs s WHERE t.id = s.id RETURNING 1
  )
  SELECT (SELECT count(*) FROM created)::int AS created, (SELECT count(*) FROM subs WHERE through < (SELECT last_seq FROM head))::int AS behind`;

const DUE = `(d.status = 'pending' AND d.next_attempt_at <= now()) OR (d.status = 'delivering' AND d.lease_until < now())`;

// Due rows and rows whose lease ran out, each read in index order so a claim costs its batch, not
// the backlog (an OR of the two would be sorted whole every time). Locking clauses are not allowed
// in UNION branches, hence the CTEs. The claimed events' bodies come back in the same round trip.
const CLAIM = `
  WITH pending AS (
    SELECT p.id FROM subscription_deliveries p
    WHERE p.subscription_id = $1 AND p.status = 'pending' AND p.next_attempt_at <= now()
    ORDER BY p.next_attempt_at, p.change_seq LIMIT $3 FOR UPDATE SKIP LOCKED
  ), expired AS (
    SELECT l.id FROM subscription_deliveries l
    WHERE l.subscription_id = $1 AND l.status = 'delivering' AND l.lease_until < now()
    ORDER BY l.lease_until LIMIT $3 FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE subscription_deliveries d SET status = 'delivering', lease_owner = $2, lease_until = now() + make_interval(secs => $4::double precision / 1000), updated_at = now()
    WHERE d.id IN (SELECT id FROM (SELECT id FROM pending UNION ALL SELECT id FROM expired) due LIMIT $3)
    RETURNING d.id, d.change_seq, d.attempts
  )
  SELECT d.id::text AS id, d.change_seq::text AS seq, d.attempts, c.event_id,
    '{"id":' || to_json(c.event_id)::text || ',"type":' || to_json(c.type)::text || ',"seq":' || c.seq::text
    || ',"occurredAt":"' || ${isoJson('c.occurred_at')} || '","data":' || c.data::text || '}' AS body
  FROM claimed d LEFT JOIN changes c ON c.tenant_id = $5 AND c.seq = d.change_seq
  ORDER BY d.change_seq`;

/** Claimed but not pushed (a stop, a pause): back to pending at once, not after the lease. */
const RELEASE = `
  UPDATE subscription_deliveries SET status = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = now()
  WHERE id = ANY($1::bigint[]) AND lease_owner = $2 AND status = 'delivering'`;

// Only rows this process still holds: after its lease ran out another one may have them.
const RECORD = `
  WITH results AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
      delivery_id bigint, http_status int, duration_ms int, response text, error text,
      status text, next_attempt_at timestamptz, last_error text)
  ), attempts AS (
    INSERT INTO subscription_delivery_attempts (delivery_id, http_status, duration_ms, response, error)
    SELECT r.delivery_id, r.http_status, r.duration_ms, r.response, r.error FROM results r
    WHERE EXISTS (SELECT 1 FROM subscription_deliveries d WHERE d.id = r.delivery_id)
  )
  UPDATE subscription_deliveries d SET
    status = r.status, attempts = d.attempts + 1, next_attempt_at = coalesce(r.next_attempt_at, d.next_attempt_at),
    last_error = r.last_error, lease_owner = NULL, lease_until = NULL, updated_at = now()
  FROM results r
  WHERE d.id = r.delivery_id AND d.lease_owner = $2 AND d.status = 'delivering'`;

interface DeliveryRow {
  id: string;
  seq: string;
  event_id: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  updated_at: Date;
}

const DELIVERY_COLUMNS = `d.id::text AS id, d.change_seq::text AS seq, c.event_id, c.type, d.status, d.attempts, d.next_attempt_at, d.last_error, d.updated_at`;

export const deliveriesRepository = {
  /** Creates delivery rows for changes subscriptions have not seen; `behind` > 0 means call again. */
  async fanOut(sql: Sql, tenantId: string): Promise<{ created: number; behind: number }> {
    const [row] = await sql.query<{ created: number; behind: number }>(FAN_OUT, [tenantId]);
    return row ?? { created: 0, behind: 0 };
  },

  /** Active subscriptions with a delivery due now (or a lease that ran out). */
  async subscriptionsWithDueWork(sql: Sql, tenantId: string): Promise<string[]> {
    const rows = await sql.query<{ id: string }>(
      `SELECT s.id FROM subscriptions s WHERE s.tenant_id = $1 AND s.status = 'active'
         AND EXISTS (SELECT 1 FROM subscription_deliveries d WHERE d.subscription_id = s.id AND (${DUE}))`,
      [tenantId],
    );
    return rows.map((row) => row.id);
  },

  async claim(sql: Sql, tenantId: string, subscriptionId: string, owner: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await sql.query<{ id: string; seq: string; attempts: number; event_id: string | null; body: string | null }>(CLAIM, [
      subscriptionId,
      owner,
      limit,
      leaseMs,
      tenantId,
    ]);
    return rows.map((row) => ({
      id: row.id,
      seq: Number(row.seq),
      attempts: row.attempts,
      event: row.event_id === null || row.body === null ? undefined : { eventId: row.event_id, body: row.body },
    }));
  },

  async release(sql: Sql, owner: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length > 0) await sql.query(RELEASE, [deliveryIds, owner]);
  },

  async record(sql: Sql, owner: string, results: readonly AttemptResult[]): Promise<void> {
    if (results.length === 0) return;
    const rows = results.map((r) => ({
      delivery_id: r.deliveryId,
      http_status: r.httpStatus ?? null,
      duration_ms: r.durationMs,
      response: r.response?.slice(0, 1024) ?? null,
      error: r.error?.slice(0, 1024) ?? null,
      status: r.outcome.status,
      next_attempt_at: r.outcome.status === 'pending' ? r.outcome.nextAttemptAt.toISOString() : null,
      last_error: r.outcome.status === 'delivered' ? null : r.outcome.lastError.slice(0, 1024),
    }));
    await sql.query(RECORD, [JSON.stringify(rows), owner]);
  },

  /** Newest first; `beforeId` is the keyset cursor. */
  async list(
    sql: Sql,
    subscriptionId: string,
    options: { status?: DeliveryStatus; beforeId?: string; limit: number },
  ): Promise<{ items: Delivery[]; hasMore: boolean }> {
    const rows = await sql.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM subscription_deliveries d
       JOIN subscriptions s ON s.id = d.subscription_id JOIN changes c ON c.tenant_id = s.tenant_id AND c.seq = d.change_seq
       WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2) AND ($3::bigint IS NULL OR d.id < $3::bigint)
       ORDER BY d.id DESC LIMIT $4`,
      [subscriptionId, options.status ?? null, options.beforeId ?? null, options.limit + 1],
    );
    return { items: rows.slice(0, options.limit).map(toDelivery), hasMore: rows.length > options.limit };
  },

  async find(sql: Sql, subscriptionId: string, deliveryId: string): Promise<{ delivery: Delivery; attempts: DeliveryAttempt[] } | undefined> {
    const [row] = await sql.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM subscription_deliveries d
       JOIN subscriptions s ON s.id = d.subscription_id JOIN changes c ON c.tenant_id = s.tenant_id AND c.seq = d.change_seq
       WHERE d.subscription_id = $1 AND d.id = $2`,
      [subscriptionId, deliveryId],
    );
    if (!row) return undefined;
    const attempts = await sql.query<{ at: Date; http_status: number | null; duration_ms: number; response: string | null; error: string | null }>(
      'SELECT at, http_status, duration_ms, response, error FROM subscription_delivery_attempts WHERE delivery_id = $1 ORDER BY id',
      [deliveryId],
    );
    return {
      delivery: toDelivery(row),
      attempts: attempts.map((a) => ({ at: a.at.toISOString(), httpStatus: a.http_status, durationMs: a.duration_ms, response: a.response, error: a.error })),
    };
  },

  /**
   * Every delivery from `fromSeq` on starts its schedule again (dead ones too), and the cursor moves
   * back so changes the subscription never had a row for get one at the next fan-out.
   */
  async replay(pool: Pool, subscriptionId: string, fromSeq: number): Promise<number> {
    return inTransaction(pool, async (sql) => {
      await sql.query('SELECT 1 FROM subscriptions WHERE id = $1 FOR UPDATE', [subscriptionId]);
      const requeued = await sql.query(
        `UPDATE subscription_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,
           last_error = NULL, updated_at = now()
         WHERE subscription_id = $1 AND change_seq >= $2 RETURNING 1`,
        [subscriptionId, fromSeq],
      );
      await sql.query('UPDATE subscriptions SET fanned_out_through = least(fanned_out_through, $2), updated_at = now() WHERE id = $1', [
        subscriptionId,
        fromSeq - 1,
      ]);
      return requeued.length;
    });
  },
};

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    seq: Number(row.seq),
    eventId: row.event_id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    lastError: row.last_error,
    updatedAt: row.updated_at.toISOString(),
  };
}

// Subscriptions and their settings. Secrets never leave this module except to the dispatcher
// (to sign) and in the one answer that creates or rotates them.
import type { ChangeTypePattern, Subscription } from '@dtg/contracts';
import { ChangeTypePatternSchema } from '@dtg/contracts';
import type { Sql } from '../../db/sql';

export interface SubscriptionRow {
  id: string;
  url: string;
  description: string;
  event_types: string[];
  status: 'active' | 'paused';
  created_by: string;
  created_at: Date;
  previous_secret_expires_at: Date | null;
}

export interface SigningTarget {
  url: string;
  status: 'active' | 'paused';
  /** Current first; the previous one while its grace lasts. */
  secrets: string[];
}

const COLUMNS = 'id, url, description, event_types, status, created_by, created_at, previous_secret_expires_at';

export const subscriptionsRepository = {
  /** Starts after the newest change: a new endpoint gets what happens from now on (replay reaches back). */
  async insert(
    sql: Sql,
    tenantId: string,
    row: { id: string; url: string; description: string; eventTypes: readonly string[]; secret: string; createdBy: string },
  ): Promise<SubscriptionRow> {
    const [inserted] = await sql.query<SubscriptionRow>(
      `INSERT INTO subscriptions (id, tenant_id, url, description, event_types, secret, status, fanned_out_through, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, 'active', coalesce((SELECT last_seq FROM change_sequence WHERE tenant_id = $2), 0), $7)
       RETURNING ${COLUMNS}`,
      [row.id, tenantId, row.url, row.description, row.eventTypes, row.secret, row.createdBy],
    );
    if (!inserted) throw new Error('INSERT … RETURNING gave no row');
    return inserted;
  },

  async list(sql: Sql, tenantId: string): Promise<SubscriptionRow[]> {
    return sql.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM subscriptions WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
  },

  async find(sql: Sql, tenantId: string, id: string): Promise<SubscriptionRow | undefined> {
    const [row] = await sql.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM subscriptions WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return row;
  },

  async setStatus(sql: Sql, tenantId: string, id: string, status: 'active' | 'paused'): Promise<SubscriptionRow | undefined> {
    const [row] = await sql.query<SubscriptionRow>(
      `UPDATE subscriptions SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [tenantId, id, status],
    );
    return row;
  },

  /** The old secret keeps signing (beside the new one) until `graceMs` from now. */
  async rotateSecret(sql: Sql, tenantId: string, id: string, secret: string, graceMs: number): Promise<SubscriptionRow | undefined> {
    const [row] = await sql.query<SubscriptionRow>(
      `UPDATE subscriptions SET previous_secret = secret, secret = $3,
         previous_secret_expires_at = now() + make_interval(secs => $4::double precision / 1000), updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [tenantId, id, secret, graceMs],
    );
    return row;
  },

  async delete(sql: Sql, tenantId: string, id: string): Promise<boolean> {
    const rows = await sql.query('DELETE FROM subscriptions WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id]);
    return rows.length > 0;
  },

  /** Where and how to push for a subscription, read at each claim so pause and rotation apply at once. */
  async target(sql: Sql, id: string): Promise<SigningTarget | undefined> {
    const [row] = await sql.query<{ url: string; status: 'active' | 'paused'; secret: string; previous_secret: string | null; previous_valid: boolean }>(
      'SELECT url, status, secret, previous_secret, coalesce(previous_secret_expires_at > now(), false) AS previous_valid FROM subscriptions WHERE id = $1',
      [id],
    );
    if (!row) return undefined;
    return { url: row.url, status: row.status, secrets: row.previous_secret && row.previous_valid ? [row.secret, row.previous_secret] : [row.secret] };
  },
};

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types.flatMap((type) => {
      const parsed = ChangeTypePatternSchema.safeParse(type);
      return parsed.success ? [parsed.data as ChangeTypePattern] : [];
    }),
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    previousSecretExpiresAt:
      row.previous_secret_expires_at === null || row.previous_secret_expires_at <= new Date() ? null : row.previous_secret_expires_at.toISOString(),
  };
}

import type { LoginTicket, UserProfile } from '@dtg/contracts';
import { sha256Hex } from '@dtg/service-kit';
import { jsonParam, type Sql, type Statement } from '../../db/sql';

/** Tickets are bearer credentials: only their hash is stored or compared. */
export const hashTicket = sha256Hex;

export interface RedeemableTicket {
  user: UserProfile;
  /** SHA-256 of the binding cookie of the browser that started the login; null: none (refused). */
  binding: string | null;
  /** Opens with the ticket only (service-kit's openWithTicket). */
  sealedCloudToken: string;
  cloudTokenId: string;
  cloudTokenExpiresAt: Date;
}

// The ticket expires `ttl_ms` after this database learns of it: its own clock, never the cloud's.
// DO NOTHING on conflict: a redelivered or re-fetched ticket must never reset `redeemed_at` or its expiry.
const INSERT = `
  INSERT INTO login_tickets (ticket_hash, tenant_id, userid, user_profile, expires_at, binding, sealed_cloud_token, cloud_token_id, cloud_token_expires_at)
  SELECT i.ticket_hash, $1, i.userid, i.user_profile, now() + i.ttl_ms * interval '1 millisecond', i.binding, i.sealed_cloud_token, i.cloud_token_id, i.cloud_token_expires_at
  FROM jsonb_to_recordset($2::jsonb) AS i(
    ticket_hash text, userid text, user_profile jsonb, ttl_ms bigint, binding text, sealed_cloud_token text, cloud_token_id text, cloud_token_expires_at timestamptz)
  ON CONFLICT (ticket_hash) DO NOTHING`;

// Single use, enforced by the database: the row lock lets only one concurrent redeemer go on (the
// others wait, re-check and find it redeemed). Locked first, marked after the caller's checks, so a
// refused browser leaves the ticket to the one that holds its binding.
const LOCK = `
  SELECT user_profile, binding, sealed_cloud_token, cloud_token_id, cloud_token_expires_at FROM login_tickets
  WHERE ticket_hash = $1 AND tenant_id = $2 AND redeemed_at IS NULL AND expires_at > now() AND sealed_cloud_token IS NOT NULL
  FOR UPDATE`;

// The sealed token is handed out once and dropped.
const MARK_REDEEMED = 'UPDATE login_tickets SET redeemed_at = now(), sealed_cloud_token = NULL WHERE ticket_hash = $1';

export const loginTicketsRepository = {
  insert(tenantId: string, tickets: readonly LoginTicket[]): Statement[] {
    if (tickets.length === 0) return [];
    const rows = tickets.map(({ user, login }) => ({
      ticket_hash: login.ticketHash,
      userid: user.userid,
      user_profile: user,
      ttl_ms: login.ttlMs,
      binding: login.binding ?? null,
      sealed_cloud_token: login.sealedCloudToken,
      cloud_token_id: login.cloudTokenId,
      cloud_token_expires_at: login.cloudTokenExpiresAt,
    }));
    return [{ text: INSERT, values: [tenantId, jsonParam(rows)] }];
  },

  async exists(sql: Sql, tenantId: string, ticketHash: string): Promise<boolean> {
    const rows = await sql.query('SELECT 1 FROM login_tickets WHERE ticket_hash = $1 AND tenant_id = $2', [ticketHash, tenantId]);
    return rows.length > 0;
  },

  /** An unexpired, unredeemed ticket, locked for the caller's transaction. */
  async lockRedeemable(sql: Sql, tenantId: string, ticketHash: string): Promise<RedeemableTicket | undefined> {
    const [row] = await sql.query<{
      user_profile: UserProfile;
      binding: string | null;
      sealed_cloud_token: string;
      cloud_token_id: string;
      cloud_token_expires_at: Date;
    }>(LOCK, [ticketHash, tenantId]);
    if (!row) return undefined;
    return {
      user: row.user_profile,
      binding: row.binding,
      sealedCloudToken: row.sealed_cloud_token,
      cloudTokenId: row.cloud_token_id,
      cloudTokenExpiresAt: row.cloud_token_expires_at,
    };
  },

  async markRedeemed(sql: Sql, ticketHash: string): Promise<void> {
    await sql.query(MARK_REDEEMED, [ticketHash]);
  },

  /** Expired tickets are refused already; this drops them (and any sealed token an unredeemed one still held). */
  async deleteExpired(sql: Sql): Promise<number> {
    const rows = await sql.query('DELETE FROM login_tickets WHERE expires_at <= now() RETURNING 1');
    return rows.length;
  },
};

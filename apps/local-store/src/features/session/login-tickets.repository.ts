import type { LoginTicket, UserProfile } from '@dtg/contracts';
import { sha256Hex } from '@dtg/service-kit';
import { jsonParam, type Sql, type Statement } from '../../db/sql';

/** Tickets are bearer credentials: only their hash is stored or compared. */
export const hashTicket = sha256Hex;

export interface RedeemedTicket {
  user: UserProfile;
  /** Opens with the ticket only (service-kit's openWithTicket). */
  sealedCloudToken: string;
  cloudTokenId: string;
  cloudTokenExpiresAt: Date;
}

// The ticket expires `ttl_ms` after this database learns of it: its own clock, never the cloud's.
// DO NOTHING on conflict: a redelivered or re-fetched ticket must never reset `redeemed_at` or its expiry.
const INSERT = `
  INSERT INTO login_tickets (ticket_hash, tenant_id, userid, user_profile, expires_at, sealed_cloud_token, cloud_token_id, cloud_token_expires_at)
  SELECT i.ticket_hash, $1, i.userid, i.user_profile, now() + i.ttl_ms * interval '1 millisecond', i.sealed_cloud_token, i.cloud_token_id, i.cloud_token_expires_at
  FROM jsonb_to_recordset($2::jsonb) AS i(
    ticket_hash text, userid text, user_profile jsonb, ttl_ms bigint, sealed_cloud_token text, cloud_token_id text, cloud_token_expires_at timestamptz)
  ON CONFLICT (ticket_hash) DO NOTHING`;

// Single use, enforced by the database: the row lock lets only one concurrent redeemer flip
// redeemed_at (the others re-check and find it set). The sealed token is handed out once and dropped.
const REDEEM = `
  WITH found AS (
    SELECT ticket_hash, sealed_cloud_token FROM login_tickets
    WHERE ticket_hash = $1 AND tenant_id = $2 AND redeemed_at IS NULL AND expires_at > now() AND sealed_cloud_token IS NOT NULL
    FOR UPDATE
  )
  UPDATE login_tickets t SET redeemed_at = now(), sealed_cloud_token = NULL
  FROM found WHERE t.ticket_hash = found.ticket_hash
  RETURNING t.user_profile, found.sealed_cloud_token, t.cloud_token_id, t.cloud_token_expires_at`;

export const loginTicketsRepository = {
  insert(tenantId: string, tickets: readonly LoginTicket[]): Statement[] {
    if (tickets.length === 0) return [];
    const rows = tickets.map(({ user, login }) => ({
      ticket_hash: login.ticketHash,
      userid: user.userid,
      user_profile: user,
      ttl_ms: login.ttlMs,
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

  async redeem(sql: Sql, tenantId: string, ticketHash: string): Promise<RedeemedTicket | undefined> {
    const [row] = await sql.query<{ user_profile: UserProfile; sealed_cloud_token: string; cloud_token_id: string; cloud_token_expires_at: Date }>(REDEEM, [
      ticketHash,
      tenantId,
    ]);
    if (!row) return undefined;
    return { user: row.user_profile, sealedCloudToken: row.sealed_cloud_token, cloudTokenId: row.cloud_token_id, cloudTokenExpiresAt: row.cloud_token_expires_at };
  },

  /** Expired tickets are refused already; this drops them (and any sealed token an unredeemed one still held). */
  async deleteExpired(sql: Sql): Promise<number> {
    const rows = await sql.query('DELETE FROM login_tickets WHERE expires_at <= now() RETURNING 1');
    return rows.length;
  },
};

import type { LoginTicket, UserProfile } from '@dtg/contracts';
import { jsonParam, type Sql, type Statement } from '../../db/sql';
import { sha256Hex } from '@dtg/service-kit';

/** Tickets are bearer credentials: only their hash is stored or compared. */
export const hashTicket = sha256Hex;

export interface RedeemedTicket {
  user: UserProfile;
  cloudToken: string;
  cloudTokenExpiresAt: Date;
}

// DO NOTHING on conflict: a redelivered or re-fetched ticket must never reset `redeemed_at`.
const INSERT = `
  INSERT INTO login_tickets (ticket_hash, tenant_id, userid, user_profile, expires_at, cloud_token, cloud_token_expires_at)
  SELECT i.ticket_hash, $1, i.userid, i.user_profile, i.expires_at, i.cloud_token, i.cloud_token_expires_at
  FROM jsonb_to_recordset($2::jsonb) AS i(
    ticket_hash text, userid text, user_profile jsonb, expires_at timestamptz, cloud_token text, cloud_token_expires_at timestamptz)
  ON CONFLICT (ticket_hash) DO NOTHING`;

// Single use, enforced by the database: only one concurrent redeemer can flip redeemed_at.
const REDEEM = `
  UPDATE login_tickets SET redeemed_at = now()
  WHERE ticket_hash = $1 AND tenant_id = $2 AND redeemed_at IS NULL AND expires_at > now()
  RETURNING user_profile, cloud_token, cloud_token_expires_at`;

export const loginTicketsRepository = {
  insert(tenantId: string, tickets: readonly LoginTicket[]): Statement[] {
    if (tickets.length === 0) return [];
    const rows = tickets.map((ticket) => ({
      ticket_hash: hashTicket(ticket.ticket),
      userid: ticket.user.userid,
      user_profile: ticket.user,
      expires_at: ticket.expiresAt,
      cloud_token: ticket.cloudToken,
      cloud_token_expires_at: ticket.cloudTokenExpiresAt,
    }));
    return [{ text: INSERT, values: [tenantId, jsonParam(rows)] }];
  },

  async exists(sql: Sql, tenantId: string, ticketHash: string): Promise<boolean> {
    const rows = await sql.query('SELECT 1 FROM login_tickets WHERE ticket_hash = $1 AND tenant_id = $2', [ticketHash, tenantId]);
    return rows.length > 0;
  },

  async redeem(sql: Sql, tenantId: string, ticketHash: string): Promise<RedeemedTicket | undefined> {
    const [row] = await sql.query<{ user_profile: UserProfile; cloud_token: string; cloud_token_expires_at: Date }>(REDEEM, [
      ticketHash,
      tenantId,
    ]);
    if (!row) return undefined;
    return { user: row.user_profile, cloudToken: row.cloud_token, cloudTokenExpiresAt: row.cloud_token_expires_at };
  },
};

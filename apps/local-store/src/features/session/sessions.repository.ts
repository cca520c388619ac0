import type { Sql, Statement } from '../../db/sql';
import { jsonParam } from '../../db/sql';
import { sha256Hex } from '@dtg/service-kit';

/** The cookie carries a random id; the table only ever sees its hash. */
export const hashSessionId = sha256Hex;

export interface StoredSession {
  userid: string;
  expiresAt: Date;
}

// Sessions of people a user.removed made inactive end with it. Only those still inactive after the
// event's own (version-guarded) deactivation: a late, older removal must not sign out someone who came back.
const END_FOR_REMOVED = `
  DELETE FROM sessions s USING users u
  WHERE s.tenant_id = $1 AND s.userid IN (SELECT jsonb_array_elements_text($2::jsonb))
    AND u.tenant_id = s.tenant_id AND u.userid = s.userid AND u.active = false`;

export const sessionsRepository = {
  async insert(sql: Sql, session: { idHash: string; tenantId: string; userid: string; cloudTokenId: string; expiresAt: Date }): Promise<void> {
    await sql.query('INSERT INTO sessions (id_hash, tenant_id, userid, cloud_token_id, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      session.idHash,
      session.tenantId,
      session.userid,
      session.cloudTokenId,
      session.expiresAt,
    ]);
  },

  async findLive(sql: Sql, tenantId: string, idHash: string): Promise<StoredSession | undefined> {
    const [row] = await sql.query<{ tenant_id: string; userid: string; expires_at: Date }>(
      'SELECT tenant_id, userid, expires_at FROM sessions WHERE id_hash = $1',
      [idHash],
    );
    if (!row || row.tenant_id !== tenantId || row.expires_at <= new Date()) return undefined;
    return { userid: row.userid, expiresAt: row.expires_at };
  },

  /** Ends a session; the id of the cloud token handed out with it, when there was one. */
  async delete(sql: Sql, tenantId: string, idHash: string): Promise<{ cloudTokenId: string | null } | undefined> {
    const [row] = await sql.query<{ cloud_token_id: string | null }>('DELETE FROM sessions WHERE id_hash = $1 AND tenant_id = $2 RETURNING cloud_token_id', [
      idHash,
      tenantId,
    ]);
    return row ? { cloudTokenId: row.cloud_token_id } : undefined;
  },

  endForRemoved(tenantId: string, userids: readonly string[]): Statement[] {
    return userids.length === 0 ? [] : [{ text: END_FOR_REMOVED, values: [tenantId, jsonParam(userids)] }];
  },

  async deleteExpired(sql: Sql): Promise<number> {
    return (await sql.query('DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1', [new Date()])).length;
  },
};

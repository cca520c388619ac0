import type { Sql } from '../../db/sql';

export interface DueRevocation {
  tokenId: string;
  attempts: number;
}

export const tokenRevocationsRepository = {
  /** In the transaction that ends the session; a second sign-out of the same token adds nothing. */
  async add(sql: Sql, tenantId: string, tokenId: string): Promise<void> {
    await sql.query('INSERT INTO cloud_token_revocations (token_id, tenant_id) VALUES ($1, $2) ON CONFLICT (token_id) DO NOTHING', [tokenId, tenantId]);
  },

  async due(sql: Sql, tenantId: string, limit: number): Promise<DueRevocation[]> {
    const rows = await sql.query<{ token_id: string; attempts: number }>(
      'SELECT token_id, attempts FROM cloud_token_revocations WHERE tenant_id = $1 AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $2',
      [tenantId, limit],
    );
    return rows.map((row) => ({ tokenId: row.token_id, attempts: row.attempts }));
  },

  async done(sql: Sql, tokenId: string): Promise<void> {
    await sql.query('DELETE FROM cloud_token_revocations WHERE token_id = $1', [tokenId]);
  },

  async failed(sql: Sql, tokenId: string, retryInMs: number, error: string): Promise<void> {
    await sql.query(
      "UPDATE cloud_token_revocations SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3 WHERE token_id = $1",
      [tokenId, retryInMs, error.slice(0, 500)],
    );
  },
};

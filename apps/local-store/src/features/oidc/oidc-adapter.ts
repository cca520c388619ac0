// oidc-provider's storage contract on Postgres: one row per (model, id) in oidc_payloads, with the
// columns it looks things up by (grant id, interaction uid, user code) and its expiry. Clients are
// not stored here: the Client model reads the admin-managed oidc_clients table (oidc-clients.ts).
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { jsonParam, type Sql } from '../../db/sql';

const UPSERT = `
  INSERT INTO oidc_payloads (model, id, payload, grant_id, user_code, uid, expires_at)
  VALUES ($1, $2, $3::jsonb, $4, $5, $6, CASE WHEN $7::bigint IS NULL THEN NULL ELSE now() + $7::bigint * interval '1 second' END)
  ON CONFLICT (model, id) DO UPDATE SET
    payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code,
    uid = excluded.uid, expires_at = excluded.expires_at`;

// An expired row is as good as gone (the sweeper deletes it later).
const LIVE = '(expires_at IS NULL OR expires_at > now())';

interface PayloadRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
}

function toPayload(row: PayloadRow | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  // oidc-provider reads `consumed` (epoch seconds) to refuse a reused code or rotated refresh token.
  return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
}

export class PostgresAdapter implements Adapter {
  constructor(
    private readonly sql: Sql,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    await this.sql.query(UPSERT, [
      this.model,
      id,
      jsonParam(payload),
      payload.grantId ?? null,
      payload.userCode ?? null,
      payload.uid ?? null,
      Number.isFinite(expiresIn) && expiresIn > 0 ? Math.ceil(expiresIn) : null,
    ]);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.one(`SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND id = $2 AND ${LIVE}`, [this.model, id]);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.one(`SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND uid = $2 AND ${LIVE}`, [this.model, uid]);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.one(`SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND user_code = $2 AND ${LIVE}`, [this.model, userCode]);
  }

  async consume(id: string): Promise<void> {
    await this.sql.query('UPDATE oidc_payloads SET consumed_at = now() WHERE model = $1 AND id = $2 AND consumed_at IS NULL', [this.model, id]);
  }

  async destroy(id: string): Promise<void> {
    await this.sql.query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [this.model, id]);
  }

  /** Every token of a grant, whatever its model (a revoked refresh token takes its access tokens along). */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.sql.query('DELETE FROM oidc_payloads WHERE grant_id = $1', [grantId]);
  }

  private async one(text: string, values: unknown[]): Promise<AdapterPayload | undefined> {
    const [row] = await this.sql.query<PayloadRow>(text, values);
    return toPayload(row);
  }
}

export const oidcPayloadsRepository = {
  async deleteExpired(sql: Sql): Promise<number> {
    return (await sql.query('DELETE FROM oidc_payloads WHERE expires_at <= now() RETURNING 1')).length;
  },
  /** Everything a person holds at the provider (sessions, grants, tokens): for when they leave the org. */
  async deleteForAccount(sql: Sql, sub: string): Promise<number> {
    return (await sql.query("DELETE FROM oidc_payloads WHERE payload->>'accountId' = $1 RETURNING 1", [sub])).length;
  },
};

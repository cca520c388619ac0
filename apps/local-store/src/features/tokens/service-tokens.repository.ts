import type { Scope, ServiceToken } from '@dtg/contracts';
import { ScopeSchema } from '@dtg/contracts';
import type { Sql } from '../../db/sql';

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface NewToken {
  id: string;
  name: string;
  prefix: string;
  tokenHash: string;
  scopes: readonly Scope[];
  createdBy: string;
  expiresAt: Date | null;
}

const COLUMNS = 'id, name, prefix, scopes, created_by, created_at, expires_at, last_used_at, revoked_at';

export const serviceTokensRepository = {
  async insert(sql: Sql, tenantId: string, token: NewToken): Promise<TokenRow> {
    const [row] = await sql.query<TokenRow>(
      `INSERT INTO service_tokens (id, tenant_id, name, prefix, token_hash, scopes, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [token.id, tenantId, token.name, token.prefix, token.tokenHash, token.scopes, token.createdBy, token.expiresAt],
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return row;
  },

  async list(sql: Sql, tenantId: string): Promise<TokenRow[]> {
    return sql.query<TokenRow>(`SELECT ${COLUMNS} FROM service_tokens WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
  },

  /** Sets revoked_at once; a second revoke keeps the first time. Undefined for an unknown id. */
  async revoke(sql: Sql, tenantId: string, id: string): Promise<TokenRow | undefined> {
    const [row] = await sql.query<TokenRow>(
      `UPDATE service_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [tenantId, id],
    );
    return row;
  },

  async findByHash(sql: Sql, tenantId: string, tokenHash: string): Promise<TokenRow | undefined> {
    const [row] = await sql.query<TokenRow>(`SELECT ${COLUMNS} FROM service_tokens WHERE tenant_id = $1 AND token_hash = $2`, [tenantId, tokenHash]);
    return row;
  },

  /** Only when the stored time is older than `coarseMs`, so a busy token costs one write a minute. */
  async touch(sql: Sql, id: string, coarseMs: number): Promise<void> {
    await sql.query(
      `UPDATE service_tokens SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2::double precision / 1000))`,
      [id, coarseMs],
    );
  },
};

export function toServiceToken(row: TokenRow): ServiceToken {
  const iso = (at: Date | null) => (at === null ? null : at.toISOString());
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    // Scopes were validated on the way in; one the code no longer knows is dropped, never widened.
    scopes: row.scopes.flatMap((scope) => (ScopeSchema.safeParse(scope).success ? [scope as Scope] : [])),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

// Service tokens: issued by org admins (console, store-admin CLI), shown once, stored as SHA-256
// (32 random bytes: nothing to brute-force, so a fast hash is enough), revocable, optionally
// expiring. authenticate() runs on every Bearer call, so it is one indexed read (and a write at
// most once a minute per token for last-used).
import { randomBytes } from 'node:crypto';
import type { CreateServiceTokenRequest, IssuedServiceToken, Scope, ServiceToken } from '@dtg/contracts';
import { notFound, sha256Hex } from '@dtg/service-kit';
import type { Sql } from '../../db/sql';
import { newId } from '../../shared/ids';
import { serviceTokensRepository as repo, toServiceToken } from './service-tokens.repository';

export const SERVICE_TOKEN_PREFIX = 'dtgs_';
const SHOWN_PREFIX_LENGTH = SERVICE_TOKEN_PREFIX.length + 6;
const LAST_USED_PRECISION_MS = 60_000;

export type TokenCheck = { ok: true; token: { id: string; scopes: readonly Scope[] } } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' };

export function createServiceTokens(sql: Sql, tenantId: string) {
  return {
    async issue(request: CreateServiceTokenRequest, createdBy: string): Promise<IssuedServiceToken> {
      const secret = SERVICE_TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const row = await repo.insert(sql, tenantId, {
        id: newId('tok'),
        name: request.name,
        prefix: secret.slice(0, SHOWN_PREFIX_LENGTH),
        tokenHash: sha256Hex(secret),
        scopes: request.scopes,
        createdBy,
        expiresAt: request.expiresAt === undefined ? null : new Date(request.expiresAt),
      });
      return { token: toServiceToken(row), secret };
    },

    async list(): Promise<ServiceToken[]> {
      return (await repo.list(sql, tenantId)).map(toServiceToken);
    },

    /** Revoking twice is harmless; an unknown id is a 404. */
    async revoke(id: string): Promise<ServiceToken> {
      const row = await repo.revoke(sql, tenantId, id);
      if (!row) throw notFound(`No service token ${id}.`);
      return toServiceToken(row);
    },

    /** For `Authorization: Bearer dtgs_…`; says why a token is refused (the caller decides what to reveal). */
    async authenticate(secret: string): Promise<TokenCheck> {
      if (!secret.startsWith(SERVICE_TOKEN_PREFIX)) return { ok: false, reason: 'unknown' };
      const row = await repo.findByHash(sql, tenantId, sha256Hex(secret));
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (row.expires_at !== null && row.expires_at.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
      if (row.last_used_at === null || Date.now() - row.last_used_at.getTime() > LAST_USED_PRECISION_MS) {
        await repo.touch(sql, row.id, LAST_USED_PRECISION_MS);
      }
      return { ok: true, token: { id: row.id, scopes: toServiceToken(row).scopes } };
    },
  };
}

export type ServiceTokens = ReturnType<typeof createServiceTokens>;

// Tenant API keys: shown once, stored as SHA-256 (the key has 192 random bits, so a fast hash is
// enough — there is nothing to brute-force), told apart by a short prefix, revocable.
import { randomBytes } from 'node:crypto';
import { notFound, sha256Hex } from '@dtg/service-kit';
import type { DbTx, SqlDatabase } from '../../db/prisma';
import type { ApiKey as ApiKeyRow } from '../../generated/prisma/client';
import { newId } from '../../shared/ids';
import { parseScopes, SCOPES, type Scope } from '../auth/permissions';

const API_KEY_PREFIX = 'dtg_';

export interface IssuedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  /** The only time the full key exists outside the caller's hands. */
  key: string;
}

export interface ApiKeyView {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The stored form of an API key. */
const hashApiKey = sha256Hex;

/** lastUsedAt is a hint for operators; writing it on every request would double the write load. */
const LAST_USED_PRECISION_MS = 60_000;

function toView({ hash: _hash, scopes, ...row }: ApiKeyRow): ApiKeyView {
  return { ...row, scopes: parseScopes(scopes) };
}

export const apiKeysService = {
  /** `scopes` are fixed for the key's life (issue another key to change them); every scope when not chosen. */
  async issue(db: DbTx, tenantId: string, options: { name: string; scopes?: readonly Scope[]; key?: string }): Promise<IssuedApiKey> {
    const key = options.key ?? API_KEY_PREFIX + randomBytes(24).toString('base64url');
    // In the order of SCOPES, without repeats: the stored list reads the same whatever order was asked.
    const scopes = SCOPES.filter((scope) => (options.scopes ?? SCOPES).includes(scope));
    const row = await db.apiKey.create({
      data: { id: newId('key'), tenantId, name: options.name, prefix: key.slice(0, 12), hash: hashApiKey(key), scopes: scopes.join(' ') },
    });
    return { id: row.id, name: row.name, prefix: row.prefix, scopes, key };
  },

  async list(db: DbTx, tenantId: string): Promise<ApiKeyView[]> {
    const rows = await db.apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
    return rows.map(toView);
  },

  async revoke(db: DbTx, id: string, at = new Date()): Promise<ApiKeyView> {
    const found = await db.apiKey.findUnique({ where: { id } });
    if (!found) throw notFound(`api key ${id} not found`);
    return toView(await db.apiKey.update({ where: { id }, data: { revokedAt: found.revokedAt ?? at } }));
  },
};

interface ApiKeyAuth {
  tenantId: string;
  keyId: string;
  scopes: Scope[];
  tenantStatus: string;
}

interface KnownKey {
  auth: ApiKeyAuth;
  lastUsedAt: number | null;
}

/**
 * Tells which tenant (and its status) a live API key belongs to, or null for an unknown or revoked
 * key. It runs on every API call, so it remembers the live keys it has looked up, for as long as
 * AuthVersion.version stays the same: triggers add 1 to it whenever a key is revoked or deleted or
 * a tenant's status changes, whichever process writes it (this one, the admin CLI). Reading that
 * one-row table costs a fraction of hashing the key and joining ApiKey to Tenant. Unknown keys are
 * not remembered: a key issued a moment ago must work at once.
 */
export function apiKeyAuthenticator(sqldb: SqlDatabase) {
  const known = new Map<string, KnownKey>();
  let knownAt: number | undefined;

  return async (key: string): Promise<ApiKeyAuth | null> => {
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const entry = await sqldb.read(async (sql): Promise<KnownKey | null> => {
      // Read before the key: what is remembered below is never older than the version it is filed under.
      const version = (await sql.get<{ version: number }>('SELECT version FROM "AuthVersion" WHERE id = 1'))?.version;
      if (version !== knownAt) {
        known.clear();
        knownAt = version;
      }
      const remembered = known.get(key);
      if (remembered) return remembered;
      const row = await sql.get<{ id: string; tenantId: string; scopes: string; revokedAt: number | null; lastUsedAt: number | null; status: string }>(
        'SELECT k.id, k."tenantId", k.scopes, k."revokedAt", k."lastUsedAt", t.status FROM "ApiKey" k JOIN "Tenant" t ON t.id = k."tenantId" WHERE k.hash = ?',
        hashApiKey(key),
      );
      if (!row || row.revokedAt !== null) return null;
      const found = { auth: { tenantId: row.tenantId, keyId: row.id, scopes: parseScopes(row.scopes), tenantStatus: row.status }, lastUsedAt: row.lastUsedAt };
      // Without the version row (it comes with the migration) nothing could tell a change: look up every time.
      if (version !== undefined) known.set(key, found);
      return found;
    });
    if (!entry) return null;
    const now = Date.now();
    if (entry.lastUsedAt === null || now - entry.lastUsedAt > LAST_USED_PRECISION_MS) {
      entry.lastUsedAt = now;
      const id = entry.auth.keyId;
      await sqldb.write(async (sql) => await sql.run('UPDATE "ApiKey" SET "lastUsedAt" = ? WHERE id = ?', new Date(now), id));
    }
    return entry.auth;
  };
}

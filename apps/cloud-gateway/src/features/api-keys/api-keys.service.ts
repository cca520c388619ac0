// Tenant API keys: shown once, stored as SHA-256 (the key has 192 random bits, so a fast hash is
// enough — there is nothing to brute-force), told apart by a short prefix, revocable.
import { randomBytes } from 'node:crypto';
import { notFound, sha256Hex } from '@dtg/service-kit';
import { at, type Sql, type SqlDatabase, type Tx } from '../../db/prisma';
import { newId } from '../../shared/ids';
import { authMemory, type AuthVersionReader } from '../auth/auth-version';
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

/** An ApiKey row as direct SQL reads it (times as epoch ms), without its hash. */
interface ApiKeySqlRow {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  scopes: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const VIEW_COLUMNS = 'id, "tenantId", name, prefix, scopes, "createdAt", "lastUsedAt", "revokedAt"';

function toView(row: ApiKeySqlRow): ApiKeyView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    prefix: row.prefix,
    scopes: parseScopes(row.scopes),
    createdAt: new Date(row.createdAt),
    lastUsedAt: at(row.lastUsedAt),
    revokedAt: at(row.revokedAt),
  };
}

export const apiKeysService = {
  /** `scopes` are fixed for the key's life (issue another key to change them); every scope when not chosen. */
  issue(sqldb: SqlDatabase, tenantId: string, options: { name: string; scopes?: readonly Scope[]; key?: string }): Promise<IssuedApiKey> {
    return sqldb.write(async (tx) => await apiKeysService.insert(tx, tenantId, options));
  },

  /** issue, inside the caller's transaction (a new tenant's first key). */
  async insert(tx: Tx, tenantId: string, options: { name: string; scopes?: readonly Scope[]; key?: string }): Promise<IssuedApiKey> {
    const key = options.key ?? API_KEY_PREFIX + randomBytes(24).toString('base64url');
    // In the order of SCOPES, without repeats: the stored list reads the same whatever order was asked.
    const scopes = SCOPES.filter((scope) => (options.scopes ?? SCOPES).includes(scope));
    const id = newId('key');
    const prefix = key.slice(0, 12);
    await tx.run(
      'INSERT INTO "ApiKey" (id, "tenantId", name, prefix, hash, scopes, "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)',
      id,
      tenantId,
      options.name,
      prefix,
      hashApiKey(key),
      scopes.join(' '),
      new Date(),
    );
    return { id, name: options.name, prefix, scopes, key };
  },

  list(sqldb: SqlDatabase, tenantId: string): Promise<ApiKeyView[]> {
    return sqldb.read(async (sql: Sql) =>
      (await sql.all<ApiKeySqlRow>(`SELECT ${VIEW_COLUMNS} FROM "ApiKey" WHERE "tenantId" = ? ORDER BY "createdAt", id`, tenantId)).map(toView),
    );
  },

  /** Revoking a revoked key keeps its first revokedAt. */
  async revoke(sqldb: SqlDatabase, id: string, at = new Date()): Promise<ApiKeyView> {
    const row = await sqldb.write(
      async (tx) => await tx.get<ApiKeySqlRow>(`UPDATE "ApiKey" SET "revokedAt" = COALESCE("revokedAt", ?) WHERE id = ? RETURNING ${VIEW_COLUMNS}`, at, id),
    );
    if (!row) throw notFound(`api key ${id} not found`);
    return toView(row);
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
 * one-row table (once per event-loop turn: auth-version.ts) costs a fraction of hashing the key and
 * joining ApiKey to Tenant. Unknown keys are not remembered: a key issued a moment ago must work at once.
 */
export function apiKeyAuthenticator(sqldb: SqlDatabase, authVersion: AuthVersionReader) {
  const remember = authMemory<KnownKey | null>(authVersion, { keep: (entry) => entry !== null });

  const lookUp = (key: string) =>
    sqldb.read(async (sql): Promise<KnownKey | null> => {
      const row = await sql.get<{ id: string; tenantId: string; scopes: string; revokedAt: number | null; lastUsedAt: number | null; status: string }>(
        'SELECT k.id, k."tenantId", k.scopes, k."revokedAt", k."lastUsedAt", t.status FROM "ApiKey" k JOIN "Tenant" t ON t.id = k."tenantId" WHERE k.hash = ?',
        hashApiKey(key),
      );
      if (!row || row.revokedAt !== null) return null;
      return { auth: { tenantId: row.tenantId, keyId: row.id, scopes: parseScopes(row.scopes), tenantStatus: row.status }, lastUsedAt: row.lastUsedAt };
    });

  return async (key: string): Promise<ApiKeyAuth | null> => {
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const entry = await remember(key, () => lookUp(key));
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

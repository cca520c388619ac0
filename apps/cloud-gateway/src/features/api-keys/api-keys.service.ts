// Tenant API keys: shown once, stored as SHA-256 (the key has 192 random bits, so a fast hash is
// enough — there is nothing to brute-force), told apart by a short prefix, revocable.
import { randomBytes } from 'node:crypto';
import { notFound } from '@dtg/service-kit';
import type { DbTx, SqliteConnection } from '../../db/prisma';
import { sha256Hex } from '../../shared/hash';
import { newId } from '../../shared/ids';

export const API_KEY_PREFIX = 'dtg_';

export interface IssuedApiKey {
  id: string;
  name: string;
  prefix: string;
  /** The only time the full key exists outside the caller's hands. */
  key: string;
}

export interface ApiKeyView {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The stored form of an API key. */
export const hashApiKey = sha256Hex;

/** lastUsedAt is a hint for operators; writing it on every request would double the write load. */
const LAST_USED_PRECISION_MS = 60_000;

export const apiKeysService = {
  async issue(db: DbTx, tenantId: string, name: string, given?: string): Promise<IssuedApiKey> {
    const key = given ?? API_KEY_PREFIX + randomBytes(24).toString('base64url');
    const row = await db.apiKey.create({
      data: { id: newId('key'), tenantId, name, prefix: key.slice(0, 12), hash: hashApiKey(key) },
    });
    return { id: row.id, name: row.name, prefix: row.prefix, key };
  },

  async list(db: DbTx, tenantId: string): Promise<ApiKeyView[]> {
    return db.apiKey.findMany({
      where: { tenantId },
      orderBy: { createdAt: 'asc' },
      select: { id: true, tenantId: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    });
  },

  async revoke(db: DbTx, id: string, at = new Date()): Promise<ApiKeyView> {
    const found = await db.apiKey.findUnique({ where: { id } });
    if (!found) throw notFound(`api key ${id} not found`);
    const { hash: _hash, ...view } = await db.apiKey.update({ where: { id }, data: { revokedAt: found.revokedAt ?? at } });
    return view;
  },

  /**
   * The tenant (and its status) a live key belongs to, or null for an unknown or revoked key.
   * Runs on every API call, so it is one prepared statement rather than Prisma queries.
   */
  async authenticate(sqlite: SqliteConnection, key: string, now = Date.now()): Promise<{ tenantId: string; keyId: string; tenantStatus: string } | null> {
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const hash = hashApiKey(key);
    const row = await sqlite.read((sql) =>
      sql.get<{ id: string; tenantId: string; revokedAt: number | null; lastUsedAt: number | null; status: string }>(
        'SELECT k.id, k.tenantId, k.revokedAt, k.lastUsedAt, t.status FROM ApiKey k JOIN Tenant t ON t.id = k.tenantId WHERE k.hash = ?',
        hash,
      ),
    );
    if (!row || row.revokedAt !== null) return null;
    if (row.lastUsedAt === null || now - row.lastUsedAt > LAST_USED_PRECISION_MS) {
      await sqlite.write((sql) => sql.run('UPDATE ApiKey SET lastUsedAt = ? WHERE id = ?', now, row.id));
    }
    return { tenantId: row.tenantId, keyId: row.id, tenantStatus: row.status };
  },
};

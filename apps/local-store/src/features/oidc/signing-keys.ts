// The provider's signing keys: generated on first start, kept sealed in Postgres, rotated. The
// newest key signs; when a newer one takes over, the old one stays in the JWKS until everything it
// signed has expired (the longest-lived signed token is the id_token), then it is dropped.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Logger } from '@dtg/service-kit';
import type { Pool } from 'pg';
import { inTransaction, type Sql } from '../../db/sql';
import type { SecretBox } from '../../shared/secret-box';

export const SIGNING_ALG = 'RS256';
/** A signing key signs for this long, then a new one takes over. */
export const ROTATE_AFTER_MS = 90 * 24 * 3600_000;

export interface PrivateJwk {
  kid: string;
  kty: string;
  alg: string;
  use: 'sig';
  [field: string]: unknown;
}

interface KeyRow {
  kid: string;
  sealed_jwk: string;
  created_at: Date;
  expires_at: Date | null;
}

const aadOf = (kid: string) => `oidc_signing_keys:${kid}`;

function generateKey(box: SecretBox): { kid: string; sealed: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(12).toString('base64url');
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: SIGNING_ALG, use: 'sig' };
  return { kid, sealed: box.seal(JSON.stringify(jwk), aadOf(kid)) };
}

export interface SigningKeysOptions {
  pool: Pool;
  box: SecretBox;
  logger: Logger;
  /** How long a retired key stays published: the id_token lifetime plus clock tolerance. */
  retiredKeyTtlMs: number;
}

/**
 * The keys to publish, newest (the signing one) first. Generates the first key, or a new one when
 * the current key is older than ROTATE_AFTER_MS (or `rotate` asks for it), under an advisory lock so
 * two stores starting at once on one database do not both add one.
 */
export async function loadSigningKeys(options: SigningKeysOptions, rotate = false): Promise<PrivateJwk[]> {
  const { box, logger } = options;
  return inTransaction(options.pool, async (sql) => {
    await sql.query("SELECT pg_advisory_xact_lock(hashtext('oidc_signing_keys'))");
    await sql.query('DELETE FROM oidc_signing_keys WHERE expires_at <= now()');
    const rows = await sql.query<KeyRow>('SELECT kid, sealed_jwk, created_at, expires_at FROM oidc_signing_keys ORDER BY created_at DESC');
    const keys: { row: KeyRow; jwk: PrivateJwk }[] = [];
    for (const row of rows) {
      try {
        keys.push({ row, jwk: JSON.parse(box.open(row.sealed_jwk, aadOf(row.kid))) as PrivateJwk });
      } catch (error) {
        // Sealed under another key (ENCRYPTION_KEY or CLOUD_API_KEY changed): unusable, so retired now.
        logger.warn('an OpenID Connect signing key does not open with this store’s encryption key; it is dropped', {
          kid: row.kid,
          reason: (error as Error).message,
        });
        await sql.query('DELETE FROM oidc_signing_keys WHERE kid = $1', [row.kid]);
      }
    }
    const current = keys.find((key) => key.row.expires_at === null);
    if (!current || rotate || Date.now() - current.row.created_at.getTime() >= ROTATE_AFTER_MS) {
      await retireCurrent(sql, options.retiredKeyTtlMs);
      const fresh = generateKey(box);
      await sql.query('INSERT INTO oidc_signing_keys (kid, alg, sealed_jwk) VALUES ($1, $2, $3)', [fresh.kid, SIGNING_ALG, fresh.sealed]);
      logger.info('OpenID Connect signing key generated', { kid: fresh.kid, previous: current?.row.kid });
      return loadAgain(sql, box);
    }
    return [current.jwk, ...keys.filter((key) => key !== current).map((key) => key.jwk)];
  });
}

async function retireCurrent(sql: Sql, retiredKeyTtlMs: number): Promise<void> {
  await sql.query("UPDATE oidc_signing_keys SET expires_at = now() + $1 * interval '1 millisecond' WHERE expires_at IS NULL", [retiredKeyTtlMs]);
}

async function loadAgain(sql: Sql, box: SecretBox): Promise<PrivateJwk[]> {
  const rows = await sql.query<KeyRow>(
    'SELECT kid, sealed_jwk, created_at, expires_at FROM oidc_signing_keys ORDER BY (expires_at IS NULL) DESC, created_at DESC',
  );
  return rows.map((row) => JSON.parse(box.open(row.sealed_jwk, aadOf(row.kid))) as PrivateJwk);
}

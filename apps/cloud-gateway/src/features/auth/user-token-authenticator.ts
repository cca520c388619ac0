// Tells whether a user token whose signature verified is still good: not revoked (by id, or by a
// cutoff for its person) and its tenant active. It runs on every request a browser makes, so what
// it looked up is remembered for as long as AuthVersion.version stays the same: triggers add 1 to
// it whenever a revocation is written or a tenant's status changes, whichever process writes it
// (this one, the admin CLI). Reading that one-row table (once per event-loop turn: auth-version.ts)
// costs less than the lookups it saves.
import type { SqlDatabase } from '../../db/prisma';
import { authMemory, type AuthVersionReader } from './auth-version';
import type { UserTokenClaims } from './user-tokens';

interface Checked {
  revoked: boolean;
  /** undefined: the tenant no longer exists. */
  tenantStatus: string | undefined;
}

/** Remembered tokens at most; beyond it the memory starts again (tokens live minutes). */
const MAX_REMEMBERED = 50_000;

export function userTokenAuthenticator(sqldb: SqlDatabase, authVersion: AuthVersionReader) {
  const remember = authMemory<Checked>(authVersion, { max: MAX_REMEMBERED });

  const lookUp = (claims: UserTokenClaims): Promise<Checked> =>
    sqldb.read(async (sql) => {
      const byId = await sql.get('SELECT 1 AS hit FROM "RevokedUserToken" WHERE "tenantId" = ? AND jti = ?', claims.tenantId, claims.tokenId);
      const byPerson = await sql.get(
        'SELECT 1 AS hit FROM "UserTokenCutoff" WHERE "tenantId" = ? AND userid = ? AND "revokedBefore" >= ?',
        claims.tenantId,
        claims.userid,
        claims.issuedAt,
      );
      const tenantStatus = (await sql.get<{ status: string }>('SELECT status FROM "Tenant" WHERE id = ?', claims.tenantId))?.status;
      return { revoked: byId !== undefined || byPerson !== undefined, tenantStatus };
    });

  return (claims: UserTokenClaims): Promise<Checked> => remember(claims.tokenId, () => lookUp(claims));
}

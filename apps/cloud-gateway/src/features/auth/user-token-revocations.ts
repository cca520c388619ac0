// Revoking user tokens. They are stateless (HMAC over their claims), so a revocation is a row the
// authenticator checks: one token by its id (a sign-out at a local store), or every token issued to
// a person up to a moment (they left the organisation). A row is kept as long as a token it revokes
// could still live (USER_TOKEN_TTL), then swept. Triggers on both tables move AuthVersion, so the
// authenticator's memory (user-token-authenticator.ts) forgets at once, whoever wrote the row.
import type { Sql, SqlDatabase, Tx } from '../../db/prisma';
import { inBatches } from '../../shared/batches';

/** Rows per INSERT: 4 parameters each, well under SQLite's bound-parameter limit. */
const ROWS_PER_INSERT = 400;

export function userTokenRevocations(sqldb: SqlDatabase, options: { ttlMs: number; now: () => number }) {
  const sweep = async (sql: Sql, at: number) => {
    await sql.run('DELETE FROM "RevokedUserToken" WHERE "expiresAt" < ?', new Date(at));
    await sql.run('DELETE FROM "UserTokenCutoff" WHERE "expiresAt" < ?', new Date(at));
  };

  return {
    /** One token of the tenant; revoking it again changes nothing. Any id is accepted: tokens are not stored. */
    async revokeToken(tenantId: string, tokenId: string): Promise<void> {
      const at = options.now();
      await sqldb.write(async (sql) => {
        await sweep(sql, at);
        await sql.run(
          'INSERT INTO "RevokedUserToken" ("tenantId", jti, "revokedAt", "expiresAt") VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
          tenantId,
          tokenId,
          new Date(at),
          new Date(at + options.ttlMs),
        );
      });
    },

    /**
     * Every token issued to these people up to now, in the caller's transaction — the one that
     * emits their user.removed, so both happen or neither does.
     */
    async revokeUsers(sql: Tx, tenantId: string, userids: readonly string[]): Promise<void> {
      if (userids.length === 0) return;
      const at = options.now();
      await sweep(sql, at);
      for (const batch of inBatches(userids, ROWS_PER_INSERT)) {
        await sql.run(
          `INSERT INTO "UserTokenCutoff" ("tenantId", userid, "revokedBefore", "expiresAt") VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}
           ON CONFLICT ("tenantId", userid) DO UPDATE SET "revokedBefore" = excluded."revokedBefore", "expiresAt" = excluded."expiresAt"`,
          ...batch.flatMap((userid) => [tenantId, userid, new Date(at), new Date(at + options.ttlMs)]),
        );
      }
    },
  };
}

export type UserTokenRevocations = ReturnType<typeof userTokenRevocations>;

// The client's token cache, persisted in the cloud's database (sealed), so a restart does not spend
// the throttled token endpoints again. On Postgres, replicas share it and fetch each token under an
// exclusive section, so one replica fetches while the others wait and then read what it stored.
import type { StoredToken, TokenStore } from '@dtg/dingtalk-client';
import type { SqlDatabase } from '../../db/prisma';
import type { SecretBox } from '../../shared/secret-box';

/** `exclusive`: the database's cross-replica section (SqlDatabase.exclusive; on SQLite it just runs, one process). */
export function sqliteTokenStore(sqldb: SqlDatabase, secrets: SecretBox, exclusive?: <T>(key: string, fn: () => Promise<T>) => Promise<T>): TokenStore {
  return {
    ...(exclusive ? { exclusive } : {}),
    async get(key) {
      const row = await sqldb.read(
        async (sql) =>
          await sql.get<{ accessTokenEnc: string; obtainedAt: number; expireIn: number }>(
            'SELECT "accessTokenEnc", "obtainedAt", "expireIn" FROM "DingTalkToken" WHERE "key" = ?',
            key,
          ),
      );
      if (!row) return undefined;
      return {
        accessToken: secrets.open(row.accessTokenEnc, 'DingTalkToken.accessTokenEnc', key),
        obtainedAt: row.obtainedAt,
        expireIn: row.expireIn,
      };
    },
    async set(key, token: StoredToken) {
      const accessTokenEnc = secrets.seal(token.accessToken, 'DingTalkToken.accessTokenEnc', key);
      const obtainedAt = new Date(token.obtainedAt);
      await sqldb.write(
        async (tx) =>
          await tx.run(
            `INSERT INTO "DingTalkToken" ("key", "accessTokenEnc", "obtainedAt", "expireIn", "updatedAt") VALUES (?, ?, ?, ?, ?)
             ON CONFLICT ("key") DO UPDATE SET "accessTokenEnc" = excluded."accessTokenEnc", "obtainedAt" = excluded."obtainedAt",
               "expireIn" = excluded."expireIn", "updatedAt" = excluded."updatedAt"`,
            key,
            accessTokenEnc,
            obtainedAt,
            token.expireIn,
            new Date(),
          ),
      );
    },
    async delete(key) {
      await sqldb.write(async (tx) => await tx.run('DELETE FROM "DingTalkToken" WHERE "key" = ?', key));
    },
  };
}

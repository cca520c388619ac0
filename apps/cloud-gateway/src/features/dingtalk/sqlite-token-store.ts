// The client's token cache, persisted in the cloud's database (sealed), so a restart does not spend
// the throttled token endpoints again. On Postgres, replicas share it and fetch each token under an
// exclusive section, so one replica fetches while the others wait and then read what it stored.
import type { StoredToken, TokenStore } from '@dtg/dingtalk-client';
import type { Db } from '../../db/prisma';
import type { SecretBox } from '../../shared/secret-box';

/** `exclusive`: the database's cross-replica section (SqlDatabase.exclusive; on SQLite it just runs, one process). */
export function sqliteTokenStore(db: Db, secrets: SecretBox, exclusive?: <T>(key: string, fn: () => Promise<T>) => Promise<T>): TokenStore {
  return {
    ...(exclusive ? { exclusive } : {}),
    async get(key) {
      const row = await db.dingTalkToken.findUnique({ where: { key } });
      if (!row) return undefined;
      return {
        accessToken: secrets.open(row.accessTokenEnc, 'DingTalkToken.accessTokenEnc', key),
        obtainedAt: row.obtainedAt.getTime(),
        expireIn: row.expireIn,
      };
    },
    async set(key, token: StoredToken) {
      const data = {
        accessTokenEnc: secrets.seal(token.accessToken, 'DingTalkToken.accessTokenEnc', key),
        obtainedAt: new Date(token.obtainedAt),
        expireIn: token.expireIn,
      };
      await db.dingTalkToken.upsert({ where: { key }, create: { key, ...data }, update: data });
    },
    async delete(key) {
      await db.dingTalkToken.deleteMany({ where: { key } });
    },
  };
}

// The cloud's rate limits (RATE_LIMIT_*). On SQLite one process answers every request and counts in
// memory. Replicas on Postgres count together in "RateLimitWindow", one upsert per counted request
// (rate-limiter-flexible's RateLimiterPostgres, which also deletes windows an hour past their end):
// counted apart, N replicas would allow N × each limit, and the console's sign-in limit is what
// stands between a password and guessing. Should the database fail, each replica counts alone in
// memory until it answers again (the library's insurance limiter), so a sign-in is refused for its
// limit, never for the database.
import { memoryRateLimiter, rateLimiterOf, type RateLimiter, type RateLimitSetting } from '@dtg/service-kit';
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { PostgresConnection } from '../db/postgres/postgres-connection';
import type { SqlDatabase } from '../db/sql';

/** A limiter named `name` (its keys' prefix: names must differ) for `setting`. */
export type RateLimiters = (name: string, setting: RateLimitSetting) => RateLimiter;

export function rateLimiters(sqldb: SqlDatabase): RateLimiters {
  return (name, setting) => {
    if (!(sqldb instanceof PostgresConnection)) return memoryRateLimiter(setting);
    const window = { keyPrefix: name, points: setting.points, duration: setting.durationMs / 1000 };
    return rateLimiterOf(
      new RateLimiterPostgres({
        ...window,
        storeClient: sqldb.pool,
        storeType: 'pool',
        // Created by the migrations, with the library's columns.
        tableName: 'RateLimitWindow',
        tableCreated: true,
        insuranceLimiter: new RateLimiterMemory(window),
      }),
    );
  };
}

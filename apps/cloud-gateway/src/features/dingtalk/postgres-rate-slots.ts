// DingTalk's per-app-per-API QPS limit kept by all replicas together (issue #22): the next free call
// slot per (identity, API path) lives in one row, and each call takes its slot with one statement —
// GCRA, the "theoretical arrival time" form of a token bucket. Fixed-window counters (e.g.
// rate-limiter-flexible) would let up to 2× the limit through across a window edge; even spacing never
// puts more than qps calls in any one-second window.
//
// The instant is the database's clock_timestamp(): replicas' clocks differ, the database's is one.
// Not now(): that is the transaction's start, taken before this statement waited for the row lock
// behind other replicas' calls, so a call could be given a slot already in the past. The SET runs
// after the row lock is taken, so its clock_timestamp() is the moment the slot is really handed out.
import type { RateSlots } from '@dtg/dingtalk-client';
import type { SqlDatabase } from '../../db/sql';

// The moment, rounded up to the column's millisecond, in the SET and in the wait alike: a call that
// finds no queue is told 0 (not a sub-millisecond "wait" that metrics would count), and a queued one
// starts within 1 ms of its slot — the column's precision.
const NOW = "(date_trunc('milliseconds', clock_timestamp()) + interval '1 millisecond')";
const MS = "* interval '1 millisecond'";

// next = max(next, now − (burst − 1)·interval) + interval; the caller waits next − burst·interval − now.
const RESERVE = `INSERT INTO "DingTalkRateSlot" ("key", "nextAt") VALUES (?, ${NOW} + CAST(? AS integer) ${MS})
ON CONFLICT ("key") DO UPDATE SET "nextAt" = GREATEST("DingTalkRateSlot"."nextAt", ${NOW} - CAST(? AS integer) ${MS}) + CAST(? AS integer) ${MS}
RETURNING EXTRACT(EPOCH FROM ("nextAt" - ${NOW})) * 1000 - CAST(? AS integer) AS "waitMs"`;

export function postgresRateSlots(sqldb: SqlDatabase): RateSlots {
  return {
    async reserve(key, intervalMs, burst) {
      // Whole milliseconds (the column's precision), rounded up: 30 QPS is spaced 34 ms, a little under the limit, never over.
      const interval = Math.ceil(intervalMs);
      // One statement, autocommitted: read() runs it on the pool without a BEGIN/COMMIT round trip.
      const row = await sqldb.read((sql) => sql.get<{ waitMs: number }>(RESERVE, key, interval, (burst - 1) * interval, interval, burst * interval));
      return row?.waitMs ?? 0;
    },
  };
}

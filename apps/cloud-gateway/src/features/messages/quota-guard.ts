// Pre-flight quota guard. DingTalk accepts a send and then silently drops recipients over its
// limits (§4.7): same content to the same user once a day, N notifications per user per day per
// app. We count what we send per tenant (one tenant = one sender in one org) in the caller's
// transaction and report the recipients DingTalk would drop as `rejected_by_quota` instead.
// Direct SQL: it runs inside the dispatch plan's SqlDatabase.write.
import { lockTenant, type Sql } from '../../db/prisma';
import { inBatches, marks } from '../../shared/batches';

/** Rows per INSERT (4 parameters each: well inside SQLite's parameter limit). */
const INSERT_ROWS = 200;

export type QuotaRejection = 'duplicate_content' | 'daily_cap';

export interface QuotaInput {
  tenantId: string;
  day: string;
  contentHash: string;
  dailyCap: number;
  /** De-duplicated, in send order. */
  userids: string[];
}

export interface QuotaDecision {
  accepted: string[];
  rejected: { userid: string; reason: QuotaRejection }[];
}

/** Decides every recipient and records the accepted ones as sent today (usage +1, content seen). */
export async function applyQuotaGuard(sql: Sql, input: QuotaInput): Promise<QuotaDecision> {
  const { tenantId, day, contentHash, dailyCap, userids } = input;
  // Check-then-count: replicas planning this tenant's sends at once (Postgres) take turns, so two
  // cannot both see a person under the cap and both count them past it.
  await lockTenant(sql, tenantId);
  const seen = new Set<string>();
  const usage = new Map<string, number>();
  for (const part of inBatches(userids, 500)) {
    for (const c of await sql.all<{ userid: string }>(
      `SELECT userid FROM "QuotaContent" WHERE "tenantId" = ? AND day = ? AND "contentHash" = ? AND userid IN (${marks(part)})`,
      tenantId,
      day,
      contentHash,
      ...part,
    )) {
      seen.add(c.userid);
    }
    for (const u of await sql.all<{ userid: string; count: number }>(
      `SELECT userid, count FROM "QuotaUsage" WHERE "tenantId" = ? AND day = ? AND userid IN (${marks(part)})`,
      tenantId,
      day,
      ...part,
    )) {
      usage.set(u.userid, u.count);
    }
  }
  const decision: QuotaDecision = { accepted: [], rejected: [] };
  for (const userid of userids) {
    if (seen.has(userid)) decision.rejected.push({ userid, reason: 'duplicate_content' });
    else if ((usage.get(userid) ?? 0) >= dailyCap) decision.rejected.push({ userid, reason: 'daily_cap' });
    else decision.accepted.push(userid);
  }
  await recordSends(sql, tenantId, day, contentHash, decision.accepted);
  return decision;
}

async function recordSends(sql: Sql, tenantId: string, day: string, contentHash: string, userids: string[]): Promise<void> {
  for (const part of inBatches(userids, INSERT_ROWS)) {
    await sql.run(
      `INSERT INTO "QuotaUsage" ("tenantId", day, userid, count) VALUES ${part.map(() => '(?, ?, ?, 1)').join(', ')}
       ON CONFLICT ("tenantId", day, userid) DO UPDATE SET count = "QuotaUsage".count + 1`,
      ...part.flatMap((userid) => [tenantId, day, userid]),
    );
    await sql.run(
      `INSERT INTO "QuotaContent" ("tenantId", day, userid, "contentHash") VALUES ${part.map(() => '(?, ?, ?, ?)').join(', ')}`,
      ...part.flatMap((userid) => [tenantId, day, userid, contentHash]),
    );
  }
}

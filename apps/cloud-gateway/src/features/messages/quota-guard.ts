// Pre-flight quota guard. DingTalk accepts a send and then silently drops recipients over its
// limits (§4.7): same content to the same user once a day, N notifications per user per day per
// app. We count what we send per tenant (one tenant = one sender in one org) in the caller's
// transaction and report the recipients DingTalk would drop as `rejected_by_quota` instead.
import type { DbTx } from '../../db/prisma';

const CHINA_OFFSET_MS = 8 * 3_600_000;
/** Rows per INSERT (4 parameters each: well inside SQLite's parameter limit). */
const INSERT_ROWS = 200;

/** DingTalk's day: the calendar date in Asia/Shanghai (UTC+8 all year, no DST). */
export function shanghaiDay(epochMs: number): string {
  return new Date(epochMs + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

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
export async function applyQuotaGuard(tx: DbTx, input: QuotaInput): Promise<QuotaDecision> {
  const { tenantId, day, contentHash, dailyCap, userids } = input;
  const seen = new Set<string>();
  const usage = new Map<string, number>();
  for (let i = 0; i < userids.length; i += 500) {
    const part = userids.slice(i, i + 500);
    const contents = await tx.quotaContent.findMany({ where: { tenantId, day, contentHash, userid: { in: part } }, select: { userid: true } });
    for (const c of contents) seen.add(c.userid);
    const counts = await tx.quotaUsage.findMany({ where: { tenantId, day, userid: { in: part } }, select: { userid: true, count: true } });
    for (const u of counts) usage.set(u.userid, u.count);
  }
  const decision: QuotaDecision = { accepted: [], rejected: [] };
  for (const userid of userids) {
    if (seen.has(userid)) decision.rejected.push({ userid, reason: 'duplicate_content' });
    else if ((usage.get(userid) ?? 0) >= dailyCap) decision.rejected.push({ userid, reason: 'daily_cap' });
    else decision.accepted.push(userid);
  }
  await recordSends(tx, tenantId, day, contentHash, decision.accepted);
  return decision;
}

async function recordSends(tx: DbTx, tenantId: string, day: string, contentHash: string, userids: string[]): Promise<void> {
  for (let i = 0; i < userids.length; i += INSERT_ROWS) {
    const part = userids.slice(i, i + INSERT_ROWS);
    const rows = part.map(() => '(?, ?, ?, 1)').join(', ');
    await tx.$executeRawUnsafe(
      `INSERT INTO QuotaUsage (tenantId, day, userid, count) VALUES ${rows}
       ON CONFLICT (tenantId, day, userid) DO UPDATE SET count = count + 1`,
      ...part.flatMap((userid) => [tenantId, day, userid]),
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO QuotaContent (tenantId, day, userid, contentHash) VALUES ${part.map(() => '(?, ?, ?, ?)').join(', ')}`,
      ...part.flatMap((userid) => [tenantId, day, userid, contentHash]),
    );
  }
}

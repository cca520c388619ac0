// One batch of pruning per call, each inside the caller's write transaction (so a batch is short
// and sends interleave between batches). Direct SQL (db/sql.ts): these are set-based deletes over the
// outbox, job and message tables, which are all direct-SQL tables (cloud-gateway README).
import type { Sql, Tx } from '../../db/prisma';
import { marks } from '../../shared/batches';

export interface EventsPruned {
  events: number;
  deliveries: number;
  attempts: number;
  /** The batch stopped before its limit: nothing more of this tenant's can go now. */
  finished: boolean;
}

interface Candidate {
  seq: number;
  occurredAt: number;
  pushes: number;
  open: number;
}

/** A row's physical address, for batched deletes of tables keyed by several columns. */
const rowId = (sql: Sql) => (sql.dialect === 'postgres' ? 'ctid' : 'rowid');

export const retentionRepository = {
  /**
   * Prunes the next prefix of one tenant's events, at most `limit`: from prunedSeq + 1 up to (not
   * including) the first event that is too young or that the store may not have — a push not yet
   * delivered (pending, delivering or dead), or, with no push at all, a seq above what the store has
   * pulled. Only a prefix goes, so `prunedSeq` alone says what is missing: a pull from before it can
   * be told so instead of silently skipping a hole.
   */
  async pruneEvents(tx: Tx, tenantId: string, cutoffMs: number, limit: number): Promise<EventsPruned> {
    const tenant = await tx.get<{ prunedSeq: number; pulledSeq: number }>('SELECT "prunedSeq", "pulledSeq" FROM "Tenant" WHERE id = ?', tenantId);
    if (!tenant) return { events: 0, deliveries: 0, attempts: 0, finished: true };
    const candidates = await tx.all<Candidate>(
      `SELECT e.seq, e."occurredAt",
              (SELECT count(*) FROM "Delivery" d WHERE d."eventId" = e.id) AS pushes,
              (SELECT count(*) FROM "Delivery" d WHERE d."eventId" = e.id AND d.status <> 'delivered') AS open
       FROM "Event" e WHERE e."tenantId" = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`,
      tenantId,
      tenant.prunedSeq,
      limit,
    );
    let through = tenant.prunedSeq;
    for (const row of candidates) {
      const received = row.pushes > 0 ? row.open === 0 : row.seq <= tenant.pulledSeq;
      if (row.occurredAt >= cutoffMs || !received) break;
      through = row.seq;
    }
    const finished = through - tenant.prunedSeq < limit;
    if (through === tenant.prunedSeq) return { events: 0, deliveries: 0, attempts: 0, finished };
    const range = [tenantId, tenant.prunedSeq, through] as const;
    const inRange = 'SELECT id FROM "Event" WHERE "tenantId" = ? AND seq > ? AND seq <= ?';
    const attempts = (await tx.run(`DELETE FROM "DeliveryAttempt" WHERE "deliveryId" IN (SELECT id FROM "Delivery" WHERE "eventId" IN (${inRange}))`, ...range))
      .changes;
    const deliveries = (await tx.run(`DELETE FROM "Delivery" WHERE "eventId" IN (${inRange})`, ...range)).changes;
    const events = (await tx.run('DELETE FROM "Event" WHERE "tenantId" = ? AND seq > ? AND seq <= ?', ...range)).changes;
    await tx.run('UPDATE "Tenant" SET "prunedSeq" = ? WHERE id = ?', through, tenantId);
    return { events, deliveries, attempts, finished };
  },

  /** Finished jobs whose last change is older than the cutoff (runAt bounds the index range; a job runs at or after it). */
  async pruneJobs(tx: Tx, cutoffMs: number, limit: number): Promise<number> {
    return (
      await tx.run(
        `DELETE FROM "Job" WHERE id IN (
         SELECT id FROM "Job" WHERE status IN ('done', 'failed') AND "runAt" < ? AND "updatedAt" < ? LIMIT ?)`,
        new Date(cutoffMs),
        new Date(cutoffMs),
        limit,
      )
    ).changes;
  },

  /**
   * Finished messages: a final status, no chunk whose send or result is still open, nothing queued
   * to dispatch. A receipts job that still names one finds it gone and ends (receipts.job.ts).
   */
  async pruneMessages(tx: Tx, cutoffMs: number, limit: number): Promise<{ messages: number; recipients: number; chunks: number }> {
    const ids = (
      await tx.all<{ id: string }>(
        `SELECT m.id FROM "Message" m
         WHERE m.status IN ('completed', 'failed', 'recalled') AND m."updatedAt" < ?
           AND NOT EXISTS (SELECT 1 FROM "MessageChunk" c WHERE c."messageId" = m.id AND c.status IN ('pending', 'sending', 'sent', 'unknown'))
           AND NOT EXISTS (SELECT 1 FROM "MessageDispatchRequest" r WHERE r."messageId" = m.id)
         LIMIT ?`,
        new Date(cutoffMs),
        limit,
      )
    ).map((row) => row.id);
    if (ids.length === 0) return { messages: 0, recipients: 0, chunks: 0 };
    const recipients = (await tx.run(`DELETE FROM "MessageRecipient" WHERE "messageId" IN (${marks(ids)})`, ...ids)).changes;
    const chunks = (await tx.run(`DELETE FROM "MessageChunk" WHERE "messageId" IN (${marks(ids)})`, ...ids)).changes;
    const messages = (await tx.run(`DELETE FROM "Message" WHERE id IN (${marks(ids)})`, ...ids)).changes;
    return { messages, recipients, chunks };
  },

  /** Quota guard rows of days before `beforeDay` (YYYY-MM-DD, China time). */
  async pruneQuota(tx: Tx, beforeDay: string, limit: number): Promise<number> {
    const usage = (
      await tx.run(`DELETE FROM "QuotaUsage" WHERE ${rowId(tx)} IN (SELECT ${rowId(tx)} FROM "QuotaUsage" WHERE day < ? LIMIT ?)`, beforeDay, limit)
    ).changes;
    const content = (
      await tx.run(`DELETE FROM "QuotaContent" WHERE ${rowId(tx)} IN (SELECT ${rowId(tx)} FROM "QuotaContent" WHERE day < ? LIMIT ?)`, beforeDay, limit)
    ).changes;
    return usage + content;
  },

  async tenantIds(sql: Sql): Promise<string[]> {
    return (await sql.all<{ id: string }>('SELECT id FROM "Tenant" ORDER BY id')).map((row) => row.id);
  },
};

// Delivery rows are claimed with an expiring lease: a dispatcher that dies mid-push leaves rows in
// `delivering` whose lease runs out, and the next scan takes them again. Timestamps are integer
// milliseconds in SQLite (the adapter's unixepoch-ms format), hence the numeric comparisons.
import type { DbTx } from '../../db/prisma';

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  attempts: number;
}

const DUE = `((status = 'pending' AND nextAttemptAt <= ?) OR (status = 'delivering' AND leaseUntil < ?))`;

export const deliveriesRepository = {
  /** Tenants (active ones only: a suspended tenant gets nothing) with something due now. */
  async tenantsWithDueWork(db: DbTx, now: number): Promise<string[]> {
    const rows = await db.$queryRawUnsafe<{ tenantId: string }[]>(
      `SELECT DISTINCT tenantId FROM Delivery
       WHERE ${DUE} AND tenantId IN (SELECT id FROM Tenant WHERE status = 'active')`,
      now,
      now,
    );
    return rows.map((r) => r.tenantId);
  },

  async claim(db: DbTx, tenantId: string, owner: string, limit: number, now: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return db.$queryRawUnsafe<ClaimedDelivery[]>(
      `UPDATE Delivery SET status = 'delivering', leaseOwner = ?, leaseUntil = ?, updatedAt = ?
       WHERE id IN (SELECT id FROM Delivery WHERE tenantId = ? AND ${DUE} ORDER BY nextAttemptAt LIMIT ?)
       RETURNING id, eventId, attempts`,
      owner,
      now + leaseMs,
      now,
      tenantId,
      now,
      now,
      limit,
    );
  },

  async recordAttempt(
    db: DbTx,
    deliveryId: string,
    attempt: { httpStatus?: number; durationMs: number; response?: string; error?: string },
    outcome: { status: 'delivered' | 'dead' | 'pending'; attempts: number; nextAttemptAt?: Date; lastError?: string },
  ): Promise<void> {
    await db.deliveryAttempt.create({
      data: {
        deliveryId,
        httpStatus: attempt.httpStatus ?? null,
        durationMs: attempt.durationMs,
        response: attempt.response?.slice(0, 1024) ?? null,
        error: attempt.error?.slice(0, 1024) ?? null,
      },
    });
    await db.delivery.update({
      where: { id: deliveryId },
      data: {
        status: outcome.status,
        attempts: outcome.attempts,
        nextAttemptAt: outcome.nextAttemptAt,
        lastError: outcome.lastError ?? null,
        leaseOwner: null,
        leaseUntil: null,
      },
    });
  },

  /** Hand a claimed row back untouched (the dispatcher is stopping). */
  async release(db: DbTx, deliveryId: string): Promise<void> {
    await db.delivery.update({ where: { id: deliveryId }, data: { status: 'pending', leaseOwner: null, leaseUntil: null } });
  },
};

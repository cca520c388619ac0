// Operator views and actions on the delivery log: list by status, every attempt of one, replay from
// a seq, resend one dead delivery.
import { z } from 'zod';
import { conflict, notFound } from '@dtg/service-kit';
import { lockTenant, type Sql, type SqlDatabase, type SqlParam } from '../../db/prisma';
import type { Outbox } from '../outbox/outbox';
import { inBatches } from '../../shared/batches';
import { newId } from '../../shared/ids';

export const DeliveryViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  seq: z.number().int(),
  status: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.date(),
  lastError: z.string().nullable(),
  updatedAt: z.date(),
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

export const DeliveryAttemptViewSchema = z.object({
  at: z.date(),
  httpStatus: z.number().int().nullable(),
  durationMs: z.number().int(),
  /** the first 1 KiB of the store's answer */
  response: z.string().nullable(),
  error: z.string().nullable(),
});

/** A delivery with its event's type and seq, as direct SQL reads it (timestamps in epoch ms). */
interface ViewRow {
  id: string;
  tenantId: string;
  eventId: string;
  status: string;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  updatedAt: number;
  type: string;
  seq: number;
}

const VIEW_SELECT = `SELECT d.id, d."tenantId", d."eventId", d.status, d.attempts, d."nextAttemptAt", d."lastError", d."updatedAt", e.type, e.seq
  FROM "Delivery" d JOIN "Event" e ON e.id = d."eventId"`;

const view = (r: ViewRow): DeliveryView => ({
  id: r.id,
  tenantId: r.tenantId,
  eventId: r.eventId,
  eventType: r.type,
  seq: Number(r.seq),
  status: r.status,
  attempts: Number(r.attempts),
  nextAttemptAt: new Date(r.nextAttemptAt),
  lastError: r.lastError,
  updatedAt: new Date(r.updatedAt),
});

async function findView(sql: Sql, id: string): Promise<DeliveryView | undefined> {
  const row = await sql.get<ViewRow>(`${VIEW_SELECT} WHERE d.id = ?`, id);
  return row && view(row);
}

/** Orphan deliveries per INSERT (6 parameters each, under SQLite's bound). */
const INSERT_BATCH = 400;

export function deliveriesService(deps: { sqldb: SqlDatabase; outbox: Outbox }) {
  const { sqldb } = deps;
  return {
    async list(filter: { status?: string; tenantId?: string; limit?: number }): Promise<DeliveryView[]> {
      const where: string[] = [];
      const params: SqlParam[] = [];
      if (filter.status !== undefined) {
        where.push('d.status = ?');
        params.push(filter.status);
      }
      if (filter.tenantId !== undefined) {
        where.push('d."tenantId" = ?');
        params.push(filter.tenantId);
      }
      const limit = Math.min(filter.limit ?? 100, 1000);
      const rows = await sqldb.read(async (sql) =>
        sql.all<ViewRow>(`${VIEW_SELECT}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY d."updatedAt" DESC LIMIT ?`, ...params, limit),
      );
      return rows.map(view);
    },

    async get(id: string): Promise<DeliveryView & { attemptLog: z.infer<typeof DeliveryAttemptViewSchema>[] }> {
      const found = await sqldb.read(async (sql) => {
        const delivery = await findView(sql, id);
        if (!delivery) return undefined;
        const attempts = await sql.all<{ at: number; httpStatus: number | null; durationMs: number; response: string | null; error: string | null }>(
          'SELECT at, "httpStatus", "durationMs", response, error FROM "DeliveryAttempt" WHERE "deliveryId" = ? ORDER BY id DESC LIMIT 50',
          id,
        );
        return { delivery, attempts };
      });
      if (!found) throw notFound(`delivery ${id} not found`);
      const attemptLog = found.attempts.map((a) => ({
        at: new Date(a.at),
        httpStatus: a.httpStatus === null ? null : Number(a.httpStatus),
        durationMs: Number(a.durationMs),
        response: a.response,
        error: a.error,
      }));
      return { ...found.delivery, attemptLog };
    },

    /** A dead delivery back on the push queue, due now, with a fresh retry schedule; any other status is a 409. */
    async resend(id: string): Promise<DeliveryView> {
      return sqldb.write(async (tx) => {
        const now = new Date();
        const { changes } = await tx.run(
          `UPDATE "Delivery" SET status = 'pending', attempts = 0, "nextAttemptAt" = ?, "leaseOwner" = NULL, "leaseUntil" = NULL, "lastError" = NULL, "updatedAt" = ?
           WHERE id = ? AND status = 'dead'`,
          now,
          now,
          id,
        );
        if (changes === 0) {
          const row = await tx.get<{ status: string }>('SELECT status FROM "Delivery" WHERE id = ?', id);
          if (!row) throw notFound(`delivery ${id} not found`);
          throw conflict(`delivery ${id} is ${row.status}: only a dead delivery is resent`);
        }
        // The dispatcher looks for it as soon as this commits.
        deps.outbox.deliveriesWritten(tx);
        const updated = await findView(tx, id);
        if (!updated) throw notFound(`delivery ${id} not found`);
        return updated;
      });
    },

    /**
     * Puts every event with seq ≥ fromSeq back on the push queue: existing deliveries (dead or not)
     * restart their schedule, events that never had one (no webhook URL at the time) get one.
     */
    async replay(tenantId: string, fromSeq: number): Promise<{ requeued: number; created: number }> {
      return sqldb.write(async (tx) => {
        // Postgres: two replays of one tenant at once would both create the missing deliveries.
        await lockTenant(tx, tenantId);
        const tenant = await tx.get<{ webhookUrl: string | null }>('SELECT "webhookUrl" FROM "Tenant" WHERE id = ?', tenantId);
        if (!tenant) throw notFound(`tenant ${tenantId} not found`);
        const now = new Date();
        // The dispatcher looks for them as soon as this commits.
        deps.outbox.deliveriesWritten(tx);
        const requeued = await tx.run(
          `UPDATE "Delivery" SET status = 'pending', attempts = 0, "nextAttemptAt" = ?, "leaseOwner" = NULL, "leaseUntil" = NULL, "lastError" = NULL, "updatedAt" = ?
           WHERE "tenantId" = ? AND "eventId" IN (SELECT id FROM "Event" WHERE "tenantId" = ? AND seq >= ?)`,
          now,
          now,
          tenantId,
          tenantId,
          fromSeq,
        );
        if (!tenant.webhookUrl) return { requeued: requeued.changes, created: 0 };
        const orphans = await tx.all<{ id: string }>(
          `SELECT e.id FROM "Event" e WHERE e."tenantId" = ? AND e.seq >= ? AND NOT EXISTS (SELECT 1 FROM "Delivery" d WHERE d."eventId" = e.id) ORDER BY e.seq`,
          tenantId,
          fromSeq,
        );
        for (const batch of inBatches(orphans, INSERT_BATCH)) {
          await tx.run(
            `INSERT INTO "Delivery" (id, "eventId", "tenantId", status, attempts, "nextAttemptAt", "createdAt", "updatedAt") VALUES ${batch.map(() => "(?,?,?,'pending',0,?,?,?)").join(',')}`,
            ...batch.flatMap((e) => [newId('dlv'), e.id, tenantId, now, now, now]),
          );
        }
        return { requeued: requeued.changes, created: orphans.length };
      });
    },
  };
}

export type DeliveriesService = ReturnType<typeof deliveriesService>;

// Operator views and actions on the delivery log: list by status, every attempt of one, replay from
// a seq, resend one dead delivery.
import { z } from 'zod';
import { conflict, notFound } from '@dtg/service-kit';
import type { Db, Transact } from '../../db/prisma';
import type { Outbox } from '../outbox/outbox';
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

const view = (r: {
  id: string;
  tenantId: string;
  eventId: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  updatedAt: Date;
  event: { type: string; seq: number };
}): DeliveryView => ({
  id: r.id,
  tenantId: r.tenantId,
  eventId: r.eventId,
  eventType: r.event.type,
  seq: r.event.seq,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.nextAttemptAt,
  lastError: r.lastError,
  updatedAt: r.updatedAt,
});

export function deliveriesService(deps: { db: Db; transaction: Transact; outbox: Outbox }) {
  const { db } = deps;
  return {
    async list(filter: { status?: string; tenantId?: string; limit?: number }): Promise<DeliveryView[]> {
      const rows = await db.delivery.findMany({
        where: { status: filter.status, tenantId: filter.tenantId },
        orderBy: { updatedAt: 'desc' },
        take: Math.min(filter.limit ?? 100, 1000),
        include: { event: { select: { type: true, seq: true } } },
      });
      return rows.map(view);
    },

    async get(id: string): Promise<DeliveryView & { attemptLog: z.infer<typeof DeliveryAttemptViewSchema>[] }> {
      const row = await db.delivery.findUnique({
        where: { id },
        include: { event: { select: { type: true, seq: true } }, attemptLog: { orderBy: { id: 'desc' }, take: 50 } },
      });
      if (!row) throw notFound(`delivery ${id} not found`);
      const attemptLog = row.attemptLog.map((a) => ({ at: a.at, httpStatus: a.httpStatus, durationMs: a.durationMs, response: a.response, error: a.error }));
      return { ...view(row), attemptLog };
    },

    /** A dead delivery back on the push queue, due now, with a fresh retry schedule; any other status is a 409. */
    async resend(id: string): Promise<DeliveryView> {
      return deps.transaction(async (tx, sql) => {
        const row = await tx.delivery.findUnique({ where: { id }, select: { status: true } });
        if (!row) throw notFound(`delivery ${id} not found`);
        if (row.status !== 'dead') throw conflict(`delivery ${id} is ${row.status}: only a dead delivery is resent`);
        // The dispatcher looks for it as soon as this commits.
        deps.outbox.deliveriesWritten(sql);
        const updated = await tx.delivery.update({
          where: { id },
          data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), leaseOwner: null, leaseUntil: null, lastError: null },
          include: { event: { select: { type: true, seq: true } } },
        });
        return view(updated);
      });
    },

    /**
     * Puts every event with seq ≥ fromSeq back on the push queue: existing deliveries (dead or not)
     * restart their schedule, events that never had one (no webhook URL at the time) get one.
     */
    async replay(tenantId: string, fromSeq: number): Promise<{ requeued: number; created: number }> {
      return deps.transaction(async (tx, sql) => {
        const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { webhookUrl: true } });
        if (!tenant) throw notFound(`tenant ${tenantId} not found`);
        const now = new Date();
        // The dispatcher looks for them as soon as this commits.
        deps.outbox.deliveriesWritten(sql);
        const requeued = await tx.delivery.updateMany({
          where: { tenantId, event: { seq: { gte: fromSeq } } },
          data: { status: 'pending', attempts: 0, nextAttemptAt: now, leaseOwner: null, leaseUntil: null, lastError: null },
        });
        if (!tenant.webhookUrl) return { requeued: requeued.count, created: 0 };
        const orphans = await tx.event.findMany({
          where: { tenantId, seq: { gte: fromSeq }, deliveries: { none: {} } },
          select: { id: true },
        });
        if (orphans.length > 0) {
          await tx.delivery.createMany({ data: orphans.map((e) => ({ id: newId('dlv'), eventId: e.id, tenantId, nextAttemptAt: now })) });
        }
        return { requeued: requeued.count, created: orphans.length };
      });
    },
  };
}

export type DeliveriesService = ReturnType<typeof deliveriesService>;

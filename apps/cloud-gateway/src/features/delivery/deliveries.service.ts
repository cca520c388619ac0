// Operator views and actions on the delivery log: list by status, replay from a seq.
import { z } from 'zod';
import { notFound } from '@dtg/service-kit';
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
      return rows.map((r) => ({
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
      }));
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

import type { EventEnvelope } from '@dtg/contracts';
import type { DbTx } from '../../db/prisma';

interface EventRow {
  id: string;
  tenantId: string;
  seq: number;
  type: string;
  occurredAt: Date;
  data: string;
}

/** Stored rows were validated on append; the envelope is rebuilt without re-parsing (hot path). */
export function toEnvelope(row: EventRow): EventEnvelope {
  return {
    id: row.id,
    type: row.type,
    tenantId: row.tenantId,
    seq: row.seq,
    occurredAt: row.occurredAt.toISOString(),
    data: JSON.parse(row.data),
  } as EventEnvelope;
}

export const eventsRepository = {
  /** Events with seq in (after, upTo], oldest first. */
  async page(db: DbTx, tenantId: string, after: number, limit: number, upTo?: number): Promise<EventEnvelope[]> {
    const rows = await db.event.findMany({
      where: { tenantId, seq: { gt: after, ...(upTo === undefined ? {} : { lte: upTo }) } },
      orderBy: { seq: 'asc' },
      take: limit,
    });
    return rows.map(toEnvelope);
  },
};

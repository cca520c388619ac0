import type { EventEnvelope } from '@dtg/contracts';
import type { Sql } from '../../db/prisma';

interface EventRow {
  id: string;
  tenantId: string;
  seq: number;
  type: string;
  /** epoch ms, as direct SQL reads a DateTime column */
  occurredAt: number;
  data: string;
}

/** Stored rows were validated on append; the envelope is rebuilt without re-parsing (hot path). */
export function toEnvelope(row: EventRow): EventEnvelope {
  return {
    id: row.id,
    type: row.type,
    tenantId: row.tenantId,
    seq: Number(row.seq),
    occurredAt: new Date(row.occurredAt).toISOString(),
    data: JSON.parse(row.data),
  } as EventEnvelope;
}

const PAGE = 'SELECT id, "tenantId", seq, type, "occurredAt", data FROM "Event" WHERE "tenantId" = ? AND seq > ?';

export const eventsRepository = {
  /** Events with seq in (after, upTo], oldest first. */
  async page(sql: Sql, tenantId: string, after: number, limit: number, upTo?: number): Promise<EventEnvelope[]> {
    const rows =
      upTo === undefined
        ? await sql.all<EventRow>(`${PAGE} ORDER BY seq LIMIT ?`, tenantId, after, limit)
        : await sql.all<EventRow>(`${PAGE} AND seq <= ? ORDER BY seq LIMIT ?`, tenantId, after, upTo, limit);
    return rows.map(toEnvelope);
  },
};

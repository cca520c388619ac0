import type { Sql } from '../../db/prisma';

/** An Event row as direct SQL reads it (occurredAt in epoch ms, data as the JSON text stored on append). */
export interface StoredEvent {
  id: string;
  tenantId: string;
  seq: number;
  type: string;
  occurredAt: number;
  data: string;
}

/**
 * One event as push and pull both send it: the envelope's fields in the contract's order, with `data`
 * as stored. It was validated when appended and is never parsed again: a 100,000-recipient
 * message.completed is ~5 MB of JSON, which parsed is ~3× that in objects, then serialized again.
 */
export function envelopeJson(row: StoredEvent): string {
  const occurredAt = JSON.stringify(new Date(row.occurredAt).toISOString());
  return `{"id":${JSON.stringify(row.id)},"type":${JSON.stringify(row.type)},"tenantId":${JSON.stringify(row.tenantId)},"seq":${Number(row.seq)},"occurredAt":${occurredAt},"data":${row.data}}`;
}

const PAGE = 'SELECT id, "tenantId", seq, type, "occurredAt", data FROM "Event" WHERE "tenantId" = ? AND seq > ?';

export const eventsRepository = {
  /** Events with seq in (after, upTo], oldest first: each one's seq and its envelope as JSON. */
  async page(sql: Sql, tenantId: string, after: number, limit: number, upTo?: number): Promise<{ seq: number; json: string }[]> {
    const rows =
      upTo === undefined
        ? await sql.all<StoredEvent>(`${PAGE} ORDER BY seq LIMIT ?`, tenantId, after, limit)
        : await sql.all<StoredEvent>(`${PAGE} AND seq <= ? ORDER BY seq LIMIT ?`, tenantId, after, upTo, limit);
    return rows.map((row) => ({ seq: Number(row.seq), json: envelopeJson(row) }));
  },
};

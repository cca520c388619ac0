import type { DeadEvent } from '@dtg/contracts';
import { jsonParam, type Statement } from '../../db/sql';
import type { PrismaClient } from '../../generated/prisma/client';
import { sha256Hex } from '@dtg/service-kit';

export interface NewDeadEvent {
  eventId?: string;
  seq?: number;
  type?: string;
  source: 'push' | 'pull';
  reason: string;
  raw: string;
}

// Stored once per event id when there is one, else once per body (keyed by its hash).
const INSERT = `
  INSERT INTO dead_events (dedupe_key, event_id, seq, type, source, reason, raw)
  SELECT i.dedupe_key, i.event_id, i.seq, i.type, i.source, i.reason, i.raw
  FROM jsonb_to_recordset($1::jsonb) AS i(dedupe_key text, event_id text, seq int, type text, source text, reason text, raw text)
  WHERE i.event_id IS NULL OR NOT EXISTS (SELECT 1 FROM dead_events d WHERE d.event_id = i.event_id)
  ON CONFLICT (dedupe_key) DO NOTHING`;

export const deadEventsRepository = {
  insert(events: readonly NewDeadEvent[]): Statement[] {
    if (events.length === 0) return [];
    const rows = events.map((event) => ({
      dedupe_key: sha256Hex(event.raw),
      event_id: event.eventId ?? null,
      seq: event.seq ?? null,
      type: event.type ?? null,
      source: event.source,
      reason: event.reason,
      raw: event.raw,
    }));
    return [{ text: INSERT, values: [jsonParam(rows)] }];
  },

  /** Newest first; `beforeId` is the keyset cursor. */
  async list(prisma: PrismaClient, limit: number, beforeId?: number): Promise<{ items: DeadEvent[]; hasMore: boolean }> {
    const rows = await prisma.deadEvent.findMany({
      where: beforeId === undefined ? {} : { id: { lt: beforeId } },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const items = rows.slice(0, limit).map((row) => ({
      id: row.id,
      eventId: row.eventId,
      seq: row.seq,
      type: row.type,
      source: row.source === 'pull' ? ('pull' as const) : ('push' as const),
      reason: row.reason,
      raw: row.raw,
      receivedAt: row.receivedAt.toISOString(),
    }));
    return { items, hasMore: rows.length > limit };
  },
};

import type { DeadEvent } from '@dtg/contracts';
import { jsonParam, type Sql, type Statement } from '../../db/sql';
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
  async list(sql: Sql, limit: number, beforeId?: number): Promise<{ items: DeadEvent[]; hasMore: boolean }> {
    const rows = await sql.query<{
      id: number;
      event_id: string | null;
      seq: number | null;
      type: string | null;
      source: string;
      reason: string;
      raw: string;
      received_at: Date;
    }>(
      `SELECT id, event_id, seq, type, source, reason, raw, received_at FROM dead_events ${beforeId === undefined ? '' : 'WHERE id < $2'} ORDER BY id DESC LIMIT $1`,
      beforeId === undefined ? [limit + 1] : [limit + 1, beforeId],
    );
    const items = rows.slice(0, limit).map((row) => ({
      id: row.id,
      eventId: row.event_id,
      seq: row.seq,
      type: row.type,
      source: row.source === 'pull' ? ('pull' as const) : ('push' as const),
      reason: row.reason,
      raw: row.raw,
      receivedAt: row.received_at.toISOString(),
    }));
    return { items, hasMore: rows.length > limit };
  },
};

import { jsonParam, type Statement } from '../../db/sql';

export interface ProcessedEventRow {
  eventId: string;
  seq: number;
  type: string;
  outcome: 'applied' | 'parked';
}

// The unique event id is the idempotency key: a row that already exists is simply not returned.
const INSERT_NEW = `
  INSERT INTO processed_events (event_id, tenant_id, seq, type, outcome)
  SELECT i.event_id, $2, i.seq, i.type, i.outcome
  FROM jsonb_to_recordset($1::jsonb) AS i(event_id text, seq int, type text, outcome text)
  ORDER BY i.event_id
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id`;

export const processedEventsRepository = {
  /** Records the events; the statement returns `{event_id}` for the ones that were new. */
  insertNew(tenantId: string, rows: readonly ProcessedEventRow[]): Statement {
    const payload = rows.map((row) => ({ event_id: row.eventId, seq: row.seq, type: row.type, outcome: row.outcome }));
    return { text: INSERT_NEW, values: [jsonParam(payload), tenantId] };
  },
};

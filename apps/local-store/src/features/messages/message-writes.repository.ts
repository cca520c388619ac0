// Event-driven writes to messages and their recipients. A status event may arrive before
// `message.accepted` (push is unordered): it creates the row without content, which `accepted`
// fills in later without touching a newer status.
import type { EventData, MessageStatus, RecipientResult } from '@dtg/contracts';
import { jsonParam, type Statement } from '../../db/sql';

export type AcceptedMessage = EventData<'message.accepted'> & { seq: number };
export type RecipientReport = RecipientResult & { messageId: string; seq: number };

const ACCEPT = `
  INSERT INTO messages AS m (id, tenant_id, msgtype, msg, recipients_spec, created_at, accepted_seq, status, status_version, updated_at)
  SELECT i.id, $1, i.msgtype, i.msg, i.recipients_spec, i.created_at, i.seq, 'queued', i.seq, now()
  FROM jsonb_to_recordset($2::jsonb) AS i(id text, msgtype text, msg jsonb, recipients_spec jsonb, created_at timestamptz, seq int)
  ORDER BY i.id
  ON CONFLICT (id) DO UPDATE SET
    msgtype = excluded.msgtype, msg = excluded.msg, recipients_spec = excluded.recipients_spec,
    created_at = excluded.created_at, accepted_seq = excluded.accepted_seq,
    status = CASE WHEN m.status_version < excluded.status_version THEN excluded.status ELSE m.status END,
    status_version = GREATEST(m.status_version, excluded.status_version),
    updated_at = now()
  WHERE m.accepted_seq IS NULL`;

const SET_STATUS = `
  INSERT INTO messages AS m (id, tenant_id, status, status_version, updated_at)
  SELECT i.id, $1, i.status, i.seq, now()
  FROM jsonb_to_recordset($2::jsonb) AS i(id text, status text, seq int)
  ORDER BY i.id
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, status_version = excluded.status_version, updated_at = now()
  WHERE m.status_version < excluded.status_version`;

// One statement: the newest report per recipient wins (a late "sent" never overwrites "read"), and
// every report newer than what was stored that changes the status or reason becomes a history row.
// The stored row is looked up per report on the primary key (LATERAL … OFFSET 0 keeps the planner
// from turning it into a scan of the whole table).
const RECORD_RECIPIENTS = `
  WITH incoming AS (
    SELECT i.*, s.status AS stored_status, s.reason AS stored_reason, s.version AS stored_version
    FROM jsonb_to_recordset($1::jsonb) AS i(message_id text, userid text, status text, reason text, seq int)
    LEFT JOIN LATERAL (
      SELECT r.status, r.reason, r.version FROM message_recipients r
      WHERE r.message_id = i.message_id AND r.userid = i.userid OFFSET 0
    ) s ON true
  ), newest AS (
    SELECT DISTINCT ON (message_id, userid) * FROM incoming ORDER BY message_id, userid, seq DESC
  ), upserted AS (
    INSERT INTO message_recipients AS r (message_id, userid, status, reason, version, updated_at)
    SELECT message_id, userid, status, reason, seq, now() FROM newest ORDER BY message_id, userid
    ON CONFLICT (message_id, userid) DO UPDATE SET
      status = excluded.status, reason = excluded.reason, version = excluded.version, updated_at = now()
    WHERE r.version < excluded.version
  ), fresh AS (
    SELECT *, lag(status) OVER w AS previous_status, lag(reason) OVER w AS previous_reason, row_number() OVER w AS position
    FROM incoming
    WHERE seq > coalesce(stored_version, 0)
    WINDOW w AS (PARTITION BY message_id, userid ORDER BY seq)
  )
  INSERT INTO message_recipient_history (message_id, userid, status, reason, seq)
  SELECT message_id, userid, status, reason, seq FROM fresh
  WHERE (position = 1 AND (status, reason) IS DISTINCT FROM (stored_status, stored_reason))
     OR (position > 1 AND (status, reason) IS DISTINCT FROM (previous_status, previous_reason))
  ORDER BY seq`;

export const messageWritesRepository = {
  accept(tenantId: string, items: readonly AcceptedMessage[]): Statement[] {
    if (items.length === 0) return [];
    const rows = items.map((item) => ({
      id: item.messageId,
      msgtype: item.msgtype,
      msg: item.msg,
      recipients_spec: item.recipients,
      created_at: item.createdAt,
      seq: item.seq,
    }));
    return [{ text: ACCEPT, values: [tenantId, jsonParam(rows)] }];
  },

  setStatus(tenantId: string, items: readonly { messageId: string; status: MessageStatus; seq: number }[]): Statement[] {
    if (items.length === 0) return [];
    const rows = items.map((item) => ({ id: item.messageId, status: item.status, seq: item.seq }));
    return [{ text: SET_STATUS, values: [tenantId, jsonParam(rows)] }];
  },

  recordRecipients(items: readonly RecipientReport[]): Statement[] {
    if (items.length === 0) return [];
    const rows = items.map((item) => ({
      message_id: item.messageId,
      userid: item.userid,
      status: item.status,
      reason: item.reason ?? null,
      seq: item.seq,
    }));
    return [{ text: RECORD_RECIPIENTS, values: [jsonParam(rows)] }];
  },
};

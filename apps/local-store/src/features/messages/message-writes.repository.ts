// Event-driven writes to messages and their recipients. A status event may arrive before
// `message.accepted` (push is unordered): it creates the row without content, which `accepted`
// fills in later without touching a newer status. Change events: message.created when the content
// arrives, message.updated when a visible message's status changes, message.recipients.updated
// with the recipients whose status or reason changed (compared under the locks `lock` takes first).
import type { EventData, MessageStatus, RecipientResult } from '@dtg/contracts';
import { jsonParam, type Statement } from '../../db/sql';
import { messageJson, messageRefJson, messageVisible } from '../changes/change-json';

export type AcceptedMessage = EventData<'message.accepted'> & { seq: number };
export type RecipientReport = RecipientResult & { messageId: string; seq: number };

const INCOMING_IDS = 'SELECT i.id FROM jsonb_to_recordset($2::jsonb) AS i(id text)';

const LOCK_MESSAGES = `SELECT 1 FROM messages WHERE tenant_id = $1 AND id IN (${INCOMING_IDS}) ORDER BY id FOR UPDATE`;

const LOCK_RECIPIENTS = `
  SELECT 1 FROM message_recipients r
  WHERE (r.message_id, r.userid) IN (SELECT i.message_id, i.userid FROM jsonb_to_recordset($1::jsonb) AS i(message_id text, userid text))
  ORDER BY r.message_id, r.userid FOR UPDATE`;

const BEFORE = `SELECT b.id, ${messageVisible('b')} AS visible, ${messageJson('b')} AS message FROM messages b WHERE b.id IN (${INCOMING_IDS})`;

// A message whose row exists only because of status events becomes visible here: created. One
// sent through this store was visible already (message_requests): its own id, author and time stay.
const ACCEPT = `
  WITH before AS MATERIALIZED (${BEFORE}), written AS (
    INSERT INTO messages AS m (id, tenant_id, msgtype, msg, recipients_spec, channel, created_at, created_by, accepted_seq, status, status_version, updated_at)
    SELECT i.id, $1, i.msgtype, i.msg, i.recipients_spec, i.channel, i.created_at, i.created_by, i.seq, 'queued', i.seq, now()
    FROM jsonb_to_recordset($2::jsonb) AS i(id text, msgtype text, msg jsonb, recipients_spec jsonb, channel text, created_at timestamptz, created_by text, seq int)
    ORDER BY i.id
    ON CONFLICT (id) DO UPDATE SET
      msgtype = excluded.msgtype, msg = excluded.msg, recipients_spec = excluded.recipients_spec, channel = excluded.channel,
      created_at = CASE WHEN m.local_id IS NULL THEN excluded.created_at ELSE m.created_at END,
      created_by = CASE WHEN m.local_id IS NULL THEN excluded.created_by ELSE m.created_by END,
      accepted_seq = excluded.accepted_seq,
      status = CASE WHEN m.status_version < excluded.status_version THEN excluded.status ELSE m.status END,
      status_version = GREATEST(m.status_version, excluded.status_version),
      updated_at = now()
    WHERE m.accepted_seq IS NULL
    RETURNING m.id, ${messageJson('m')} AS message
  )
  INSERT INTO changes (tenant_id, type, data)
  SELECT $1, CASE WHEN b.visible THEN 'message.updated' ELSE 'message.created' END, jsonb_build_object('message', w.message)
  FROM written w LEFT JOIN before b ON b.id = w.id
  WHERE b.visible IS NOT TRUE OR b.message IS DISTINCT FROM w.message
  ORDER BY w.id`;

const SET_STATUS = `
  WITH before AS MATERIALIZED (${BEFORE}), written AS (
    INSERT INTO messages AS m (id, tenant_id, status, status_version, updated_at)
    SELECT i.id, $1, i.status, i.seq, now()
    FROM jsonb_to_recordset($2::jsonb) AS i(id text, status text, seq int)
    ORDER BY i.id
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, status_version = excluded.status_version, updated_at = now()
    WHERE m.status_version < excluded.status_version
    RETURNING m.id, ${messageVisible('m')} AS visible, ${messageJson('m')} AS message
  )
  INSERT INTO changes (tenant_id, type, data)
  SELECT $1, 'message.updated', jsonb_build_object('message', w.message)
  FROM written w JOIN before b ON b.id = w.id
  WHERE w.visible AND b.message IS DISTINCT FROM w.message
  ORDER BY w.id`;

// One statement: the newest report per recipient wins (a late "sent" never overwrites "read"), and
// every report newer than what was stored that changes the status or reason becomes a history row.
// The stored row is looked up per report on the primary key (LATERAL … OFFSET 0 keeps the planner
// from turning it into a scan of the whole table). Recipients whose status or reason the upsert
// changed are reported per message, whether or not the message's content has arrived yet.
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
    RETURNING r.message_id, r.userid, r.status, r.reason
  ), fresh AS (
    SELECT *, lag(status) OVER w AS previous_status, lag(reason) OVER w AS previous_reason, row_number() OVER w AS position
    FROM incoming
    WHERE seq > coalesce(stored_version, 0)
    WINDOW w AS (PARTITION BY message_id, userid ORDER BY seq)
  ), history AS (
    INSERT INTO message_recipient_history (message_id, userid, status, reason, seq)
    SELECT message_id, userid, status, reason, seq FROM fresh
    WHERE (position = 1 AND (status, reason) IS DISTINCT FROM (stored_status, stored_reason))
       OR (position > 1 AND (status, reason) IS DISTINCT FROM (previous_status, previous_reason))
    ORDER BY seq
  ), changed AS (
    SELECT u.* FROM upserted u JOIN newest n USING (message_id, userid)
    WHERE (u.status, u.reason) IS DISTINCT FROM (n.stored_status, n.stored_reason)
  )
  INSERT INTO changes (tenant_id, type, data)
  SELECT $2, 'message.recipients.updated', jsonb_build_object(
    'message', ${messageRefJson('c.message_id')},
    'recipients', jsonb_agg(jsonb_strip_nulls(jsonb_build_object('userid', c.userid, 'status', c.status, 'reason', c.reason)) ORDER BY c.userid))
  FROM changed c GROUP BY c.message_id ORDER BY c.message_id`;

export const messageWritesRepository = {
  /** Row-locks the messages and recipient rows a batch will write, before the writes read their before-images. */
  lock(tenantId: string, messageIds: readonly string[], recipients: readonly { messageId: string; userid: string }[]): Statement[] {
    return [
      ...(messageIds.length === 0 ? [] : [{ text: LOCK_MESSAGES, values: [tenantId, jsonParam(messageIds.map((id) => ({ id })))] }]),
      ...(recipients.length === 0
        ? []
        : [{ text: LOCK_RECIPIENTS, values: [jsonParam(recipients.map((r) => ({ message_id: r.messageId, userid: r.userid })))] }]),
    ];
  },

  accept(tenantId: string, items: readonly AcceptedMessage[]): Statement[] {
    if (items.length === 0) return [];
    const rows = items.map((item) => ({
      id: item.messageId,
      msgtype: item.msgtype,
      msg: item.msg,
      recipients_spec: item.recipients,
      channel: item.channel ?? null,
      created_at: item.createdAt,
      created_by: item.createdBy ?? null,
      seq: item.seq,
    }));
    return [{ text: ACCEPT, values: [tenantId, jsonParam(rows)] }];
  },

  setStatus(tenantId: string, items: readonly { messageId: string; status: MessageStatus; seq: number }[]): Statement[] {
    if (items.length === 0) return [];
    const rows = items.map((item) => ({ id: item.messageId, status: item.status, seq: item.seq }));
    return [{ text: SET_STATUS, values: [tenantId, jsonParam(rows)] }];
  },

  recordRecipients(tenantId: string, items: readonly RecipientReport[]): Statement[] {
    if (items.length === 0) return [];
    const rows = items.map((item) => ({
      message_id: item.messageId,
      userid: item.userid,
      status: item.status,
      reason: item.reason ?? null,
      seq: item.seq,
    }));
    return [{ text: RECORD_RECIPIENTS, values: [jsonParam(rows), tenantId] }];
  },
};

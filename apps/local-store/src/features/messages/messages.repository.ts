// Reads of work notifications: the cloud's messages (content from message.accepted) and, until the
// cloud has them, the sends asked of this store (message_requests). One id space: a message sent
// through the store is known by the store's id (local_id), every other by the cloud's.
import {
  MessageStatusSchema,
  RecipientStatusSchema,
  RecipientsSpecSchema,
  type MessageChannel,
  type MessageStatus,
  type RecipientResult,
  type RecipientsSpec,
  type RecipientStatus,
} from '@dtg/contracts';
import type { Sql } from '../../db/sql';

export interface MessagePosition {
  createdAt: string;
  id: string;
}

export interface StoredMessage {
  id: string;
  cloudMessageId: string | null;
  msgtype: string;
  msg: Record<string, unknown>;
  recipientsSpec: RecipientsSpec;
  channel: MessageChannel;
  status: MessageStatus;
  createdAt: Date;
  createdBy: string | null;
  relayError: string | null;
}

interface MessageRow {
  id: string;
  cloud_message_id: string | null;
  msgtype: string;
  msg: Record<string, unknown>;
  recipients_spec: unknown;
  channel: string | null;
  status: string;
  created_at: Date;
  created_by: string | null;
  relay_error: string | null;
}

// Status-only rows (no message.accepted yet, not sent through here) are not shown. A request is
// shown from message_requests only while the cloud has not accepted it: relaying it makes its
// messages row in the same transaction, so nothing appears twice or not at all.
const VISIBLE_MESSAGES = `
  SELECT coalesce(m.local_id, m.id) AS id, m.id AS cloud_message_id, m.msgtype, m.msg, m.recipients_spec, m.channel, m.status, m.created_at, m.created_by,
    NULL::text AS relay_error
  FROM messages m WHERE m.tenant_id = $1 AND (m.accepted_seq IS NOT NULL OR m.local_id IS NOT NULL)`;
const PENDING_REQUESTS = `
  SELECT r.id, NULL::text AS cloud_message_id, r.msgtype, r.msg, r.recipients_spec, r.channel, CASE WHEN r.state = 'failed' THEN 'failed' ELSE 'queued' END AS status,
    r.created_at, r.created_by, r.last_error AS relay_error
  FROM message_requests r WHERE r.tenant_id = $1 AND r.state IN ('queued', 'failed')`;

export const messagesRepository = {
  /** Newest first; keyset on (createdAt, id). One extra row tells whether another page exists. `createdBy` limits to one author. */
  async list(
    sql: Sql,
    tenantId: string,
    options: { limit: number; after?: MessagePosition; createdBy?: string },
  ): Promise<{ items: StoredMessage[]; hasMore: boolean }> {
    const values: unknown[] = [tenantId];
    const param = (value: unknown) => `$${values.push(value)}`;
    const author = options.createdBy === undefined ? '' : param(options.createdBy);
    const position = options.after && [param(options.after.createdAt), param(options.after.id)];
    const own = (alias: string) => (author ? ` AND ${alias}.created_by = ${author}` : '');
    const before = (alias: string, id: string) =>
      position ? ` AND (${alias}.created_at < ${position[0]} OR (${alias}.created_at = ${position[0]} AND ${id} < ${position[1]}))` : '';
    const rows = await sql.query<MessageRow>(
      `SELECT * FROM (
         ${VISIBLE_MESSAGES}${own('m')}${before('m', 'coalesce(m.local_id, m.id)')}
         UNION ALL
         ${PENDING_REQUESTS}${own('r')}${before('r', 'r.id')}
       ) x ORDER BY x.created_at DESC, x.id DESC LIMIT ${param(options.limit + 1)}`,
      values,
    );
    return { items: rows.slice(0, options.limit).map(toStoredMessage), hasMore: rows.length > options.limit };
  },

  /** By the store's id or the cloud's. */
  async find(sql: Sql, tenantId: string, id: string): Promise<StoredMessage | undefined> {
    const [row] = await sql.query<MessageRow>(
      `SELECT * FROM (${VISIBLE_MESSAGES} AND (m.id = $2 OR m.local_id = $2) UNION ALL ${PENDING_REQUESTS} AND r.id = $2) x LIMIT 1`,
      [tenantId, id],
    );
    return row && toStoredMessage(row);
  },

  /**
   * One page of a message's recipients by userid, after `afterUserid`, optionally only some
   * statuses; one more row than `limit` tells whether another page follows. The primary key
   * (message_id, userid) serves the order, so a page of a 100,000-recipient message reads a page.
   */
  async recipientsPage(
    sql: Sql,
    messageId: string,
    page: { limit: number; afterUserid?: string; statuses?: readonly RecipientStatus[] },
  ): Promise<{ items: RecipientResult[]; hasMore: boolean }> {
    const rows = await sql.query<{ userid: string; status: string; reason: string | null }>(
      `SELECT userid, status, reason FROM message_recipients
        WHERE message_id = $1 AND ($2::text IS NULL OR userid > $2) AND ($3::text[] IS NULL OR status = ANY($3::text[]))
        ORDER BY userid LIMIT $4`,
      [messageId, page.afterUserid ?? null, page.statuses ?? null, page.limit + 1],
    );
    const items = rows.slice(0, page.limit).map((row) => {
      const result: RecipientResult = { userid: row.userid, status: RecipientStatusSchema.parse(row.status) };
      if (row.reason !== null) result.reason = row.reason;
      return result;
    });
    return { items, hasMore: rows.length > page.limit };
  },

  /** Recipients per status for each message (by the cloud's id), in one grouped query. */
  async countsByStatus(sql: Sql, messageIds: readonly string[]): Promise<Map<string, Map<RecipientStatus, number>>> {
    const counts = new Map<string, Map<RecipientStatus, number>>();
    if (messageIds.length === 0) return counts;
    const groups = await sql.query<{ message_id: string; status: string; n: number }>(
      'SELECT message_id, status, count(*)::int AS n FROM message_recipients WHERE message_id = ANY($1::text[]) GROUP BY message_id, status',
      [[...messageIds]],
    );
    for (const group of groups) {
      const perStatus = counts.get(group.message_id) ?? new Map<RecipientStatus, number>();
      perStatus.set(RecipientStatusSchema.parse(group.status), group.n);
      counts.set(group.message_id, perStatus);
    }
    return counts;
  },
};

// Content columns are set for every visible row; the parses guard the JSON columns, which the
// database does not type.
function toStoredMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    cloudMessageId: row.cloud_message_id,
    msgtype: row.msgtype,
    msg: row.msg,
    recipientsSpec: RecipientsSpecSchema.parse(row.recipients_spec),
    channel: row.channel === 'robot' ? 'robot' : 'work_notification',
    status: MessageStatusSchema.parse(row.status),
    createdAt: row.created_at,
    createdBy: row.created_by,
    relayError: row.relay_error,
  };
}

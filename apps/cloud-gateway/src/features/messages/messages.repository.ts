// Messages, their recipients and chunks as plain objects. Every function is direct SQL (db/sql.ts) on the
// shared connection (db/sqlite-connection.ts): callers group them in SqlDatabase.write (one
// transaction) or read. A send's lifecycle is a few hundred statements per message and its jobs run
// beside the API; through Prisma's query interpreter they cost several times the SQL itself.
// Status changes are compare-and-set (`from`) so two runs of a job cannot both act.
import type { MessageChannel, MessageStatus, RecipientResult, RecipientStatus, RecipientsSpec } from '@dtg/contracts';

import { at, type Sql, type SqlParam } from '../../db/prisma';
import { inBatches, marks } from '../../shared/batches';
import type { AssembledList } from '../outbox/outbox';
import type { ChunkStatus } from './messages.schemas';
import type { StoredMessage } from './template-sends';

export interface MessageRecord {
  id: string;
  tenantId: string;
  idempotencyKey: string | null;
  /** Set exactly when idempotencyKey is. */
  requestHash: string | null;
  msgtype: string;
  /** DingTalk's msg, or `{msgtype: 'template', template}` for a template send (template-sends.ts). */
  msg: StoredMessage;
  recipientsSpec: RecipientsSpec;
  status: MessageStatus;
  createdBy: string | null;
  createdAt: Date;
  completedAt: Date | null;
  channel: MessageChannel;
}

export interface ChunkRecord {
  id: string;
  messageId: string;
  tenantId: string;
  index: number;
  userids: string[];
  status: ChunkStatus;
  taskId: number | null;
  /** Robot chunks: the processQueryKey DingTalk answered (their handle instead of a task id). */
  processQueryKey: string | null;
  sentAt: Date | null;
  polls: number;
  nextPollAt: Date | null;
  lastError: string | null;
}

/** A chunk without its userids (a 100,000-recipient message has 1,000 chunks): what loops over a message's chunks read. */
export type ChunkState = Omit<ChunkRecord, 'userids'> & { recipients: number };

export type ChunkChanges = Partial<Pick<ChunkRecord, 'status' | 'taskId' | 'processQueryKey' | 'sentAt' | 'polls' | 'nextPollAt' | 'lastError'>>;

/** SQLite bounds the parameters of one statement; statements over many userids go in slices. */
const SLICE = 500;

interface MessageRow {
  id: string;
  tenantId: string;
  idempotencyKey: string | null;
  requestHash: string | null;
  msgtype: string;
  msg: string;
  recipients: string;
  status: string;
  createdBy: string | null;
  createdAt: number;
  completedAt: number | null;
  channel: string;
}

interface ChunkRow {
  id: string;
  messageId: string;
  tenantId: string;
  index: number;
  userids: string;
  status: string;
  taskId: number | null;
  processQueryKey: string | null;
  sentAt: number | null;
  polls: number;
  nextPollAt: number | null;
  lastError: string | null;
}

function toMessage(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    idempotencyKey: row.idempotencyKey,
    requestHash: row.requestHash,
    msgtype: row.msgtype,
    msg: JSON.parse(row.msg) as StoredMessage,
    recipientsSpec: JSON.parse(row.recipients) as RecipientsSpec,
    status: row.status as MessageStatus,
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt),
    completedAt: at(row.completedAt),
    channel: row.channel === 'robot' ? 'robot' : 'work_notification',
  };
}

function toChunk(row: ChunkRow): ChunkRecord {
  return { ...toChunkState(row), userids: JSON.parse(row.userids) as string[] };
}

function toChunkState(row: Omit<ChunkRow, 'userids'>): Omit<ChunkRecord, 'userids'> {
  return {
    id: row.id,
    messageId: row.messageId,
    tenantId: row.tenantId,
    index: row.index,
    status: row.status as ChunkStatus,
    taskId: row.taskId,
    processQueryKey: row.processQueryKey,
    sentAt: at(row.sentAt),
    polls: row.polls,
    nextPollAt: at(row.nextPollAt),
    lastError: row.lastError,
  };
}

const MESSAGE_COLUMNS = 'id, "tenantId", "idempotencyKey", "requestHash", msgtype, msg, recipients, status, "createdBy", "createdAt", "completedAt", channel';
const CHUNK_STATE_COLUMNS = 'id, "messageId", "tenantId", "index", status, "taskId", "processQueryKey", "sentAt", polls, "nextPollAt", "lastError"';
const CHUNK_COLUMNS = `${CHUNK_STATE_COLUMNS}, userids`;

interface RecipientRow {
  userid: string;
  status: string;
  reason: string | null;
}

/** A recipient as the API shows it: no `reason` when there is none (an empty one included). */
function toRecipient(row: RecipientRow): RecipientResult {
  return { userid: row.userid, status: row.status as RecipientStatus, ...(row.reason ? { reason: row.reason } : {}) };
}

export const messagesRepository = {
  async find(sql: Sql, id: string): Promise<MessageRecord | null> {
    const row = await sql.get<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM "Message" WHERE id = ?`, id);
    return row ? toMessage(row) : null;
  },

  /** A message only if it belongs to the tenant: another tenant's id reads as absent. */
  async findForTenant(sql: Sql, tenantId: string, id: string): Promise<MessageRecord | null> {
    const row = await sql.get<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM "Message" WHERE id = ? AND "tenantId" = ?`, id, tenantId);
    return row ? toMessage(row) : null;
  },

  /** The message a tenant's Idempotency-Key names: its id, status and request hash. */
  async idempotent(sql: Sql, tenantId: string, key: string): Promise<Pick<MessageRecord, 'id' | 'status' | 'requestHash'> | undefined> {
    return await sql.get('SELECT id, status, "requestHash" FROM "Message" WHERE "tenantId" = ? AND "idempotencyKey" = ?', tenantId, key);
  },

  /** The accept path's insert: the message alone. Its recipients are written when the dispatch plans it. */
  async create(sql: Sql, m: Omit<MessageRecord, 'status' | 'completedAt'>): Promise<void> {
    const at = m.createdAt;
    await sql.run(
      `INSERT INTO "Message" (id, "tenantId", "idempotencyKey", "requestHash", msgtype, msg, recipients, status, "createdBy", "createdAt", "updatedAt", channel) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
      m.id,
      m.tenantId,
      m.idempotencyKey,
      m.requestHash,
      m.msgtype,
      JSON.stringify(m.msg),
      JSON.stringify(m.recipientsSpec),
      m.createdBy,
      at,
      at,
      m.channel,
    );
  },

  /**
   * Writes these recipients in one state (one multi-row INSERT per slice): the dispatch plan writes
   * each recipient once, already in its chunk or held back. Messages accepted by earlier versions
   * already hold their direct userids as `pending`: those rows take the state too.
   */
  async addRecipients(sql: Sql, messageId: string, userids: string[], state: { status: RecipientStatus; reason?: string; chunkId?: string }): Promise<void> {
    const at = new Date();
    for (const part of inBatches(userids, SLICE)) {
      await sql.run(
        `INSERT INTO "MessageRecipient" ("messageId", userid, status, reason, "chunkId", "updatedAt") VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT ("messageId", userid) DO UPDATE SET status = excluded.status, reason = excluded.reason, "chunkId" = excluded."chunkId", "updatedAt" = excluded."updatedAt"`,
        ...part.flatMap((userid) => [messageId, userid, state.status, state.reason ?? null, state.chunkId ?? null, at]),
      );
    }
  },

  /** Compare-and-set of the message status; false when another run got there first. */
  async setStatus(sql: Sql, id: string, from: MessageStatus[], to: MessageStatus, completedAt?: Date): Promise<boolean> {
    const { changes } = await sql.run(
      `UPDATE "Message" SET status = ?, "completedAt" = COALESCE(?, "completedAt"), "updatedAt" = ? WHERE id = ? AND status IN (${marks(from)})`,
      to,
      completedAt ?? null,
      new Date(),
      id,
      ...from,
    );
    return changes === 1;
  },

  async recipientIds(sql: Sql, messageId: string): Promise<string[]> {
    return (await sql.all<{ userid: string }>('SELECT userid FROM "MessageRecipient" WHERE "messageId" = ? ORDER BY userid', messageId)).map((r) => r.userid);
  },

  /**
   * A message's recipients by userid, optionally of one chunk, in some statuses, after a userid and
   * at most `limit`: the primary key ("messageId", userid) serves the order, so a page reads a page.
   */
  async recipients(
    sql: Sql,
    messageId: string,
    where: { chunkId?: string; status?: readonly RecipientStatus[]; afterUserid?: string; limit?: number } = {},
  ): Promise<RecipientResult[]> {
    const filters: string[] = ['"messageId" = ?'];
    const params: SqlParam[] = [messageId];
    if (where.chunkId !== undefined) {
      filters.push('"chunkId" = ?');
      params.push(where.chunkId);
    }
    if (where.status) {
      filters.push(`status IN (${marks(where.status)})`);
      params.push(...where.status);
    }
    if (where.afterUserid !== undefined) {
      filters.push('userid > ?');
      params.push(where.afterUserid);
    }
    if (where.limit !== undefined) params.push(where.limit);
    const rows = await sql.all<RecipientRow>(
      `SELECT userid, status, reason FROM "MessageRecipient" WHERE ${filters.join(' AND ')} ORDER BY userid${where.limit === undefined ? '' : ' LIMIT ?'}`,
      ...params,
    );
    return rows.map(toRecipient);
  },

  /**
   * A message's recipients counted by status, and its first `limit` by userid. One statement, so both
   * come from one snapshot: on Postgres each statement of a read sees its own, and a status change
   * between two of them would show a recipient in a state the counts do not have yet.
   */
  async recipientCountsAndFirst(sql: Sql, messageId: string, limit: number): Promise<{ counts: Map<string, number>; first: RecipientResult[] }> {
    const rows = await sql.all<RecipientRow & { page: number; n: number | null }>(
      `SELECT 0 AS page, status, CAST(count(*) AS INTEGER) AS n, CAST(NULL AS TEXT) AS userid, CAST(NULL AS TEXT) AS reason
         FROM "MessageRecipient" WHERE "messageId" = ? GROUP BY status
       UNION ALL
       SELECT * FROM (SELECT 1, status, CAST(NULL AS INTEGER), userid, reason FROM "MessageRecipient" WHERE "messageId" = ? ORDER BY userid LIMIT ?) first_page
       ORDER BY page, userid`,
      messageId,
      messageId,
      limit,
    );
    const counts = new Map<string, number>();
    for (const row of rows) if (row.page === 0) counts.set(row.status, Number(row.n));
    return { counts, first: rows.filter((row) => row.page === 1).map(toRecipient) };
  },

  /**
   * The message's recipients as JSON items for Outbox.appendAssembled, built by the database: as
   * `recipients()` answers them (same order, no `reason` when there is none).
   */
  recipientsJson(sql: Sql, messageId: string): AssembledList<'recipients'> {
    const json = (column: string) => (sql.dialect === 'postgres' ? `to_json(${column})::text` : `json_quote(${column})`);
    const item = `'{"userid":' || ${json('userid')} || ',"status":' || ${json('status')} || CASE WHEN reason IS NULL OR reason = '' THEN '' ELSE ',"reason":' || ${json('reason')} END || '}'`;
    const where = 'FROM "MessageRecipient" WHERE "messageId" = ?';
    return {
      key: 'recipients',
      // SQLite: the items in the order of the primary key's index, which the subquery reads them in;
      // group_concat's own ORDER BY would sort all of them again in memory (7 MB for 100,000).
      items:
        sql.dialect === 'postgres'
          ? `SELECT string_agg(${item}, ',' ORDER BY userid) ${where}`
          : `SELECT group_concat(item, ',') FROM (SELECT ${item} AS item ${where} ORDER BY userid)`,
      params: [messageId],
    };
  },

  /** Whether any recipient is in a status other than these. */
  async anyRecipientNotIn(sql: Sql, messageId: string, statuses: RecipientStatus[]): Promise<boolean> {
    const row = await sql.get<{ id: string }>(
      `SELECT "messageId" AS id FROM "MessageRecipient" WHERE "messageId" = ? AND status NOT IN (${marks(statuses)}) LIMIT 1`,
      messageId,
      ...statuses,
    );
    return row !== undefined;
  },

  /** Sets the status of these recipients (only those currently in `from`, when given); returns how many changed. */
  async setRecipients(
    sql: Sql,
    messageId: string,
    userids: string[],
    change: { status: RecipientStatus; reason?: string | null; from?: RecipientStatus[] },
  ): Promise<number> {
    const at = new Date();
    const from = change.from ? ` AND status IN (${marks(change.from)})` : '';
    let changed = 0;
    for (const part of inBatches(userids, SLICE)) {
      changed += (
        await sql.run(
          `UPDATE "MessageRecipient" SET status = ?, reason = ?, "updatedAt" = ? WHERE "messageId" = ? AND userid IN (${marks(part)})${from}`,
          change.status,
          change.reason ?? null,
          at,
          messageId,
          ...part,
          ...(change.from ?? []),
        )
      ).changes;
    }
    return changed;
  },

  /** The message's chunks without their userids, in order; `chunk()` reads the one about to be acted on. */
  async chunkStates(sql: Sql, messageId: string): Promise<ChunkState[]> {
    const count = sql.dialect === 'postgres' ? 'json_array_length(userids::json)' : 'json_array_length(userids)';
    const rows = await sql.all<Omit<ChunkRow, 'userids'> & { recipients: number }>(
      `SELECT ${CHUNK_STATE_COLUMNS}, ${count} AS recipients FROM "MessageChunk" WHERE "messageId" = ? ORDER BY "index"`,
      messageId,
    );
    return rows.map((row) => ({ ...toChunkState(row), recipients: Number(row.recipients) }));
  },

  async chunk(sql: Sql, id: string): Promise<ChunkRecord | null> {
    const row = await sql.get<ChunkRow>(`SELECT ${CHUNK_COLUMNS} FROM "MessageChunk" WHERE id = ?`, id);
    return row ? toChunk(row) : null;
  },

  async createChunk(sql: Sql, chunk: Pick<ChunkRecord, 'id' | 'messageId' | 'tenantId' | 'index' | 'userids'>): Promise<void> {
    await sql.run(
      'INSERT INTO "MessageChunk" (id, "messageId", "tenantId", "index", userids, status, polls, "updatedAt") VALUES (?, ?, ?, ?, ?, \'pending\', 0, ?)',
      chunk.id,
      chunk.messageId,
      chunk.tenantId,
      chunk.index,
      JSON.stringify(chunk.userids),
      new Date(),
    );
  },

  /** Compare-and-set on the chunk status when `from` is given; false when the chunk was not in it. */
  async updateChunk(sql: Sql, id: string, changes: ChunkChanges, from?: ChunkStatus[]): Promise<boolean> {
    const set: string[] = [];
    const params: SqlParam[] = [];
    const put = (column: string, value: SqlParam) => {
      set.push(`"${column}" = ?`);
      params.push(value);
    };
    if (changes.status !== undefined) put('status', changes.status);
    if (changes.taskId !== undefined) put('taskId', changes.taskId);
    if (changes.processQueryKey !== undefined) put('processQueryKey', changes.processQueryKey);
    if (changes.sentAt !== undefined) put('sentAt', changes.sentAt ?? null);
    if (changes.polls !== undefined) put('polls', changes.polls);
    if (changes.nextPollAt !== undefined) put('nextPollAt', changes.nextPollAt ?? null);
    if (changes.lastError !== undefined) put('lastError', changes.lastError);
    put('updatedAt', new Date());
    const where = from ? ` AND status IN (${marks(from)})` : '';
    return (await sql.run(`UPDATE "MessageChunk" SET ${set.join(', ')} WHERE id = ?${where}`, ...params, id, ...(from ?? []))).changes === 1;
  },

  /** The newest task id this tenant had acknowledged by `at`: every task DingTalk created later has a larger id. */
  async newestTaskIdBefore(sql: Sql, tenantId: string, at: Date): Promise<number | null> {
    const row = await sql.get<{ taskId: number | null }>(
      'SELECT MAX("taskId") AS "taskId" FROM "MessageChunk" WHERE "tenantId" = ? AND "taskId" IS NOT NULL AND "sentAt" <= ?',
      tenantId,
      at,
    );
    return row?.taskId ?? null;
  },

  /** Which of these task ids already belong to one of the tenant's chunks. */
  async claimedTaskIds(sql: Sql, tenantId: string, taskIds: number[]): Promise<Set<number>> {
    if (taskIds.length === 0) return new Set();
    const rows = await sql.all<{ taskId: number }>(
      `SELECT "taskId" FROM "MessageChunk" WHERE "tenantId" = ? AND "taskId" IN (${marks(taskIds)})`,
      tenantId,
      ...taskIds,
    );
    return new Set(rows.map((r) => r.taskId));
  },
};

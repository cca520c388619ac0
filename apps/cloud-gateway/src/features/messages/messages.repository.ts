// Messages, their recipients and chunks as plain objects. Every function takes a client or a
// transaction; status changes are compare-and-set (`from`) so two runs of a job cannot both act.
import type { MessageStatus, RecipientResult, RecipientStatus, RecipientsSpec } from '@dtg/contracts';
import type { WorkNotificationMessage } from '@dtg/dingtalk-client';
import type { DbTx, Sql } from '../../db/prisma';
import type { ChunkStatus } from './messages.schemas';

export interface MessageRecord {
  id: string;
  tenantId: string;
  idempotencyKey: string | null;
  requestHash: string;
  msgtype: string;
  msg: WorkNotificationMessage;
  recipientsSpec: RecipientsSpec;
  status: MessageStatus;
  createdBy: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface ChunkRecord {
  id: string;
  messageId: string;
  tenantId: string;
  index: number;
  userids: string[];
  status: ChunkStatus;
  taskId: number | null;
  sentAt: Date | null;
  polls: number;
  nextPollAt: Date | null;
  lastError: string | null;
}

export type ChunkChanges = Partial<Pick<ChunkRecord, 'status' | 'taskId' | 'sentAt' | 'polls' | 'nextPollAt' | 'lastError'>>;

/** SQLite bounds the parameters of one statement; updates over many userids go in slices. */
const SLICE = 500;
const slices = <T>(items: T[]): T[][] => Array.from({ length: Math.ceil(items.length / SLICE) }, (_, i) => items.slice(i * SLICE, (i + 1) * SLICE));

type MessageRow = Awaited<ReturnType<DbTx['message']['findUniqueOrThrow']>>;
type ChunkRow = Awaited<ReturnType<DbTx['messageChunk']['findUniqueOrThrow']>>;

function toMessage(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    idempotencyKey: row.idempotencyKey,
    requestHash: row.requestHash,
    msgtype: row.msgtype,
    msg: JSON.parse(row.msg) as WorkNotificationMessage,
    recipientsSpec: JSON.parse(row.recipients) as RecipientsSpec,
    status: row.status as MessageStatus,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    completedAt: row.completedAt,
  };
}

function toChunk(row: ChunkRow): ChunkRecord {
  return {
    id: row.id,
    messageId: row.messageId,
    tenantId: row.tenantId,
    index: row.index,
    userids: JSON.parse(row.userids) as string[],
    status: row.status as ChunkStatus,
    taskId: row.taskId === null ? null : Number(row.taskId),
    sentAt: row.sentAt,
    polls: row.polls,
    nextPollAt: row.nextPollAt,
    lastError: row.lastError,
  };
}

export const messagesRepository = {
  async find(db: DbTx, id: string): Promise<MessageRecord | null> {
    const row = await db.message.findUnique({ where: { id } });
    return row && toMessage(row);
  },

  /** A message only if it belongs to the tenant: another tenant's id reads as absent. */
  async findForTenant(db: DbTx, tenantId: string, id: string): Promise<MessageRecord | null> {
    const row = await db.message.findFirst({ where: { id, tenantId } });
    return row && toMessage(row);
  },

  /** The message a tenant's Idempotency-Key names: its id, status and request hash (synchronous, for the accept path). */
  idempotentSync(sql: Sql, tenantId: string, key: string): Pick<MessageRecord, 'id' | 'status' | 'requestHash'> | undefined {
    return sql.get('SELECT id, status, requestHash FROM Message WHERE tenantId = ? AND idempotencyKey = ?', tenantId, key);
  },

  /** The accept path's insert: the message and one pending row per direct recipient (department members come at dispatch). */
  createSync(sql: Sql, m: Omit<MessageRecord, 'status' | 'completedAt'>, userIds: string[]): void {
    const at = m.createdAt.getTime();
    sql.run(
      "INSERT INTO Message (id, tenantId, idempotencyKey, requestHash, msgtype, msg, recipients, status, createdBy, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)",
      m.id, m.tenantId, m.idempotencyKey, m.requestHash, m.msgtype, JSON.stringify(m.msg), JSON.stringify(m.recipientsSpec), m.createdBy, at, at,
    );
    this.addRecipientsSync(sql, m.id, userIds, at);
  },

  /** One multi-row INSERT per slice of pending recipients. */
  addRecipientsSync(sql: Sql, messageId: string, userids: string[], at = Date.now()): void {
    for (const part of slices(userids)) {
      sql.run(
        `INSERT INTO MessageRecipient (messageId, userid, status, updatedAt) VALUES ${part.map(() => "(?, ?, 'pending', ?)").join(', ')}`,
        ...part.flatMap((userid) => [messageId, userid, at]),
      );
    }
  },

  // Synchronous forms of the calls a dispatch plan makes (one SqliteConnection.write for 10,000
  // recipients: through Prisma the plan took ~430 ms, most of it in the query interpreter).

  setStatusSync(sql: Sql, id: string, from: MessageStatus[], to: MessageStatus): boolean {
    return sql.run(`UPDATE Message SET status = ?, updatedAt = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`, to, Date.now(), id, ...from).changes === 1;
  },

  recipientIdsSync(sql: Sql, messageId: string): string[] {
    return sql.all<{ userid: string }>('SELECT userid FROM MessageRecipient WHERE messageId = ? ORDER BY userid', messageId).map((r) => r.userid);
  },

  setRecipientsSync(sql: Sql, messageId: string, userids: string[], change: { status: RecipientStatus; reason?: string | null; chunkId?: string }): void {
    const at = Date.now();
    for (const part of slices(userids)) {
      sql.run(
        `UPDATE MessageRecipient SET status = ?, reason = ?, chunkId = COALESCE(?, chunkId), updatedAt = ? WHERE messageId = ? AND userid IN (${part.map(() => '?').join(', ')})`,
        change.status, change.reason ?? null, change.chunkId ?? null, at, messageId, ...part,
      );
    }
  },

  createChunkSync(sql: Sql, chunk: Pick<ChunkRecord, 'id' | 'messageId' | 'tenantId' | 'index' | 'userids'>): void {
    sql.run(
      "INSERT INTO MessageChunk (id, messageId, tenantId, \"index\", userids, status, polls, updatedAt) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)",
      chunk.id, chunk.messageId, chunk.tenantId, chunk.index, JSON.stringify(chunk.userids), Date.now(),
    );
  },

  /** Compare-and-set of the message status; false when another run got there first. */
  async setStatus(tx: DbTx, id: string, from: MessageStatus[], to: MessageStatus, completedAt?: Date): Promise<boolean> {
    const { count } = await tx.message.updateMany({ where: { id, status: { in: from } }, data: { status: to, ...(completedAt ? { completedAt } : {}) } });
    return count === 1;
  },

  async recipientIds(tx: DbTx, messageId: string): Promise<string[]> {
    const rows = await tx.messageRecipient.findMany({ where: { messageId }, select: { userid: true }, orderBy: { userid: 'asc' } });
    return rows.map((r) => r.userid);
  },

  async recipients(tx: DbTx, messageId: string, where: { chunkId?: string; status?: RecipientStatus[] } = {}): Promise<RecipientResult[]> {
    const rows = await tx.messageRecipient.findMany({
      where: { messageId, chunkId: where.chunkId, ...(where.status ? { status: { in: where.status } } : {}) },
      orderBy: { userid: 'asc' },
    });
    return rows.map((r) => ({ userid: r.userid, status: r.status as RecipientStatus, ...(r.reason ? { reason: r.reason } : {}) }));
  },

  /** Sets the status of these recipients (only those currently in `from`, when given); returns how many changed. */
  async setRecipients(
    tx: DbTx,
    messageId: string,
    userids: string[],
    change: { status: RecipientStatus; reason?: string | null; chunkId?: string; from?: RecipientStatus[] },
  ): Promise<number> {
    let changed = 0;
    for (const part of slices(userids)) {
      const { count } = await tx.messageRecipient.updateMany({
        where: { messageId, userid: { in: part }, ...(change.from ? { status: { in: change.from } } : {}) },
        data: { status: change.status, reason: change.reason ?? null, ...(change.chunkId ? { chunkId: change.chunkId } : {}) },
      });
      changed += count;
    }
    return changed;
  },

  async chunks(db: DbTx, messageId: string): Promise<ChunkRecord[]> {
    const rows = await db.messageChunk.findMany({ where: { messageId }, orderBy: { index: 'asc' } });
    return rows.map(toChunk);
  },

  /** Compare-and-set on the chunk status when `from` is given; false when the chunk was not in it. */
  async updateChunk(tx: DbTx, id: string, changes: ChunkChanges, from?: ChunkStatus[]): Promise<boolean> {
    const { taskId, ...rest } = changes;
    const { count } = await tx.messageChunk.updateMany({
      where: { id, ...(from ? { status: { in: from } } : {}) },
      data: { ...rest, ...(taskId !== undefined ? { taskId: taskId === null ? null : BigInt(taskId) } : {}) },
    });
    return count === 1;
  },

  /** The newest task id this tenant had acknowledged by `at`: every task DingTalk created later has a larger id. */
  async newestTaskIdBefore(db: DbTx, tenantId: string, at: Date): Promise<number | null> {
    const row = await db.messageChunk.findFirst({
      where: { tenantId, taskId: { not: null }, sentAt: { lte: at } },
      orderBy: { taskId: 'desc' },
      select: { taskId: true },
    });
    return row?.taskId == null ? null : Number(row.taskId);
  },

  /** Which of these task ids already belong to one of the tenant's chunks. */
  async claimedTaskIds(db: DbTx, tenantId: string, taskIds: number[]): Promise<Set<number>> {
    const rows = await db.messageChunk.findMany({ where: { tenantId, taskId: { in: taskIds.map((t) => BigInt(t)) } }, select: { taskId: true } });
    return new Set(rows.map((r) => Number(r.taskId)));
  },
};

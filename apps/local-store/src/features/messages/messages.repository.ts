import {
  MessageStatusSchema,
  RecipientStatusSchema,
  RecipientsSpecSchema,
  type MessageStatus,
  type RecipientResult,
  type RecipientsSpec,
  type RecipientStatus,
} from '@dtg/contracts';
import type { Message, Prisma, PrismaClient } from '../../generated/prisma/client';

export interface MessagePosition {
  createdAt: string;
  id: string;
}

export interface StoredMessage {
  id: string;
  msgtype: string;
  msg: Record<string, unknown>;
  recipientsSpec: RecipientsSpec;
  status: MessageStatus;
  createdAt: Date;
}

/** Rows whose `message.accepted` has not arrived yet have no content and are not listed. */
const ACCEPTED = { acceptedSeq: { not: null } } satisfies Prisma.MessageWhereInput;

export const messagesRepository = {
  /** Newest first; keyset on (createdAt, id). One extra row tells whether another page exists. */
  async list(prisma: PrismaClient, tenantId: string, limit: number, after?: MessagePosition): Promise<{ items: StoredMessage[]; hasMore: boolean }> {
    const where: Prisma.MessageWhereInput = { tenantId, ...ACCEPTED };
    if (after) {
      const createdAt = new Date(after.createdAt);
      where.OR = [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: after.id } }];
    }
    const rows = await prisma.message.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
    return { items: rows.slice(0, limit).map(toStoredMessage), hasMore: rows.length > limit };
  },

  async find(prisma: PrismaClient, tenantId: string, id: string): Promise<StoredMessage | undefined> {
    const row = await prisma.message.findFirst({ where: { id, tenantId, ...ACCEPTED } });
    return row ? toStoredMessage(row) : undefined;
  },

  async recipients(prisma: PrismaClient, messageId: string): Promise<RecipientResult[]> {
    const rows = await prisma.messageRecipient.findMany({ where: { messageId }, orderBy: { userid: 'asc' } });
    return rows.map((row) => {
      const result: RecipientResult = { userid: row.userid, status: RecipientStatusSchema.parse(row.status) };
      if (row.reason !== null) result.reason = row.reason;
      return result;
    });
  },

  /** Recipients per status for each message, in one grouped query. */
  async countsByStatus(prisma: PrismaClient, messageIds: readonly string[]): Promise<Map<string, Map<RecipientStatus, number>>> {
    const counts = new Map<string, Map<RecipientStatus, number>>();
    if (messageIds.length === 0) return counts;
    const groups = await prisma.messageRecipient.groupBy({
      by: ['messageId', 'status'],
      where: { messageId: { in: [...messageIds] } },
      _count: { _all: true },
    });
    for (const group of groups) {
      const perStatus = counts.get(group.messageId) ?? new Map<RecipientStatus, number>();
      perStatus.set(RecipientStatusSchema.parse(group.status), group._count._all);
      counts.set(group.messageId, perStatus);
    }
    return counts;
  },
};

// Content columns are non-null for accepted rows (the query filters on acceptedSeq); the parses
// guard the JSON columns, which the database does not type.
function toStoredMessage(row: Message): StoredMessage {
  return {
    id: row.id,
    msgtype: row.msgtype ?? '',
    msg: (row.msg ?? {}) as Record<string, unknown>,
    recipientsSpec: RecipientsSpecSchema.parse(row.recipientsSpec),
    status: MessageStatusSchema.parse(row.status),
    createdAt: row.createdAt ?? row.updatedAt,
  };
}

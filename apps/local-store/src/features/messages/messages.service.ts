import type { MessageDetail, MessagesPage, MessagesQuery, MessageSummary, RecipientStatus } from '@dtg/contracts';
import { notFound } from '@dtg/service-kit';
import { z } from 'zod';
import type { Database } from '../../db/database';
import { decodeCursor, nextCursor } from '../../http/page-cursor';
import { messagesRepository, type StoredMessage } from './messages.repository';
import { toRecipientCounts } from './recipient-counts';

const MessageCursorSchema = z.object({ createdAt: z.iso.datetime(), id: z.string().min(1) });

export function createMessagesService(db: Database, tenantId: string) {
  return {
    async list(query: MessagesQuery): Promise<MessagesPage> {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, MessageCursorSchema);
      const { items, hasMore } = await messagesRepository.list(db.prisma, tenantId, query.limit, after);
      const counts = await messagesRepository.countsByStatus(db.prisma, items.map((item) => item.id));
      return {
        items: items.map((item) => toSummary(item, counts.get(item.id))),
        nextCursor: nextCursor(items, hasMore, (last) => ({ createdAt: last.createdAt.toISOString(), id: last.id })),
      };
    },

    async get(id: string): Promise<MessageDetail> {
      const message = await messagesRepository.find(db.prisma, tenantId, id);
      if (!message) throw notFound(`Message ${id} is not known here.`);
      const recipients = await messagesRepository.recipients(db.prisma, id);
      const perStatus = new Map<RecipientStatus, number>();
      for (const { status } of recipients) perStatus.set(status, (perStatus.get(status) ?? 0) + 1);
      return { ...toSummary(message, perStatus), msg: message.msg, recipientsSpec: message.recipientsSpec, recipients };
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;

function toSummary(message: StoredMessage, perStatus: ReadonlyMap<RecipientStatus, number> | undefined): MessageSummary {
  return {
    id: message.id,
    msgtype: message.msgtype,
    status: message.status,
    createdAt: message.createdAt.toISOString(),
    counts: toRecipientCounts(perStatus),
  };
}

import type { MessageDetail, MessagesPage, MessagesQuery, MessageSummary, RecipientStatus } from '@dtg/contracts';
import { notFound } from '@dtg/service-kit';
import { z } from 'zod';
import type { Database } from '../../db/database';
import type { Caller } from '../../http/caller';
import { decodeCursor, nextCursor } from '../../http/page-cursor';
import { messagesRepository, type StoredMessage } from './messages.repository';
import { toRecipientCounts } from './recipient-counts';

const MessageCursorSchema = z.object({ createdAt: z.iso.datetime(), id: z.string().min(1) });

/** Org members read only the messages they asked for; everyone else with messages:read reads all. */
const authorFilter = (caller: Pick<Caller, 'ownMessagesOnly' | 'id'>) => (caller.ownMessagesOnly ? caller.id : undefined);

export function createMessagesService(db: Database, tenantId: string) {
  return {
    async list(caller: Caller, query: MessagesQuery): Promise<MessagesPage> {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, MessageCursorSchema);
      const { items, hasMore } = await messagesRepository.list(db.sql, tenantId, { limit: query.limit, after, createdBy: authorFilter(caller) });
      const counts = await messagesRepository.countsByStatus(
        db.sql,
        items.flatMap((item) => item.cloudMessageId ?? []),
      );
      return {
        items: items.map((item) => toSummary(item, item.cloudMessageId === null ? undefined : counts.get(item.cloudMessageId))),
        nextCursor: nextCursor(items, hasMore, (last) => ({ createdAt: last.createdAt.toISOString(), id: last.id })),
      };
    },

    /** Someone else's message is as unknown to a member as a message that does not exist. */
    async get(caller: Caller, id: string): Promise<MessageDetail> {
      const message = await messagesRepository.find(db.sql, tenantId, id);
      const author = authorFilter(caller);
      if (!message || (author !== undefined && message.createdBy !== author)) throw notFound(`Message ${id} is not known here.`);
      const recipients = message.cloudMessageId === null ? [] : await messagesRepository.recipients(db.sql, message.cloudMessageId);
      const perStatus = new Map<RecipientStatus, number>();
      for (const { status } of recipients) perStatus.set(status, (perStatus.get(status) ?? 0) + 1);
      return { ...toSummary(message, perStatus), msg: message.msg, recipientsSpec: message.recipientsSpec, recipients, relayError: message.relayError };
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;

function toSummary(message: StoredMessage, perStatus: ReadonlyMap<RecipientStatus, number> | undefined): MessageSummary {
  return {
    id: message.id,
    cloudMessageId: message.cloudMessageId,
    msgtype: message.msgtype,
    channel: message.channel,
    status: message.status,
    createdAt: message.createdAt.toISOString(),
    createdBy: message.createdBy,
    counts: toRecipientCounts(perStatus),
  };
}

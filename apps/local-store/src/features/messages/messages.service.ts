import {
  DETAIL_RECIPIENTS,
  type MessageDetail,
  type MessageRecipientsPage,
  type MessageRecipientsQuery,
  type MessagesPage,
  type MessagesQuery,
  type MessageSummary,
  type RecipientStatus,
} from '@dtg/contracts';
import { decodeCursor, nextCursor, notFound } from '@dtg/service-kit';
import { z } from 'zod';
import type { Database } from '../../db/database';
import { inSnapshot } from '../../db/sql';
import type { Caller } from '../../http/caller';
import { messagesRepository, type StoredMessage } from './messages.repository';
import { toRecipientCounts } from './recipient-counts';

const MessageCursorSchema = z.object({ createdAt: z.iso.datetime(), id: z.string().min(1) });
const RecipientCursorSchema = z.object({ userid: z.string().min(1) });

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

    /**
     * Someone else's message is as unknown to a member as a message that does not exist. The counts
     * cover every recipient; the list only the first page (a message may have 100,000).
     */
    async get(caller: Caller, id: string): Promise<MessageDetail> {
      const message = await visible(caller, id);
      const cloudId = message.cloudMessageId;
      const [counts, page] =
        cloudId === null
          ? [undefined, { items: [], hasMore: false }]
          : // One snapshot: an event applied between two reads would show a recipient in a state the counts do not have yet.
            await inSnapshot(db.pool, async (sql) => [
              (await messagesRepository.countsByStatus(sql, [cloudId])).get(cloudId),
              await messagesRepository.recipientsPage(sql, cloudId, { limit: DETAIL_RECIPIENTS }),
            ]);
      return {
        ...toSummary(message, counts),
        msg: message.msg,
        recipientsSpec: message.recipientsSpec,
        recipients: page.items,
        recipientsNextCursor: recipientCursor(page),
        relayError: message.relayError,
      };
    },

    /** A message's recipients page by page (by userid), optionally only some statuses. */
    async recipients(caller: Caller, id: string, query: MessageRecipientsQuery): Promise<MessageRecipientsPage> {
      const message = await visible(caller, id);
      if (message.cloudMessageId === null) return { items: [], nextCursor: null };
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, RecipientCursorSchema);
      const page = await messagesRepository.recipientsPage(db.sql, message.cloudMessageId, {
        limit: query.limit,
        afterUserid: after?.userid,
        statuses: query.status,
      });
      return { items: page.items, nextCursor: recipientCursor(page) };
    },
  };

  async function visible(caller: Caller, id: string): Promise<StoredMessage> {
    const message = await messagesRepository.find(db.sql, tenantId, id);
    const author = authorFilter(caller);
    if (!message || (author !== undefined && message.createdBy !== author)) throw notFound(`Message ${id} is not known here.`);
    return message;
  }
}

function recipientCursor(page: { items: readonly { userid: string }[]; hasMore: boolean }): string | null {
  return nextCursor(page.items, page.hasMore, (last) => ({ userid: last.userid }));
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

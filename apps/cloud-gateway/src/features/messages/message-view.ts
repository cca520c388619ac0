import type { Sql } from '../../db/prisma';
import type { MessageView } from './messages.schemas';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';
import { recipientsOverview } from './recipient-pages';

/** The cloud's view of a message: status, counts per recipient status, chunks with their task ids, the first recipients. */
export async function messageView(sql: Sql, message: MessageRecord): Promise<MessageView> {
  const chunks = await repo.chunkStates(sql, message.id);
  const { counts, first } = await recipientsOverview(sql, message);
  return {
    id: message.id,
    status: message.status,
    channel: message.channel,
    msgtype: message.msgtype,
    msg: message.msg,
    recipientsSpec: message.recipientsSpec,
    createdAt: message.createdAt.toISOString(),
    completedAt: message.completedAt?.toISOString() ?? null,
    counts,
    chunks: chunks.map((c) => ({
      index: c.index,
      status: c.status,
      taskId: c.taskId,
      processQueryKey: c.processQueryKey,
      recipients: c.recipients,
      sentAt: c.sentAt?.toISOString() ?? null,
      lastError: c.lastError,
    })),
    recipients: first.items,
    recipientsNextCursor: first.nextCursor,
  };
}

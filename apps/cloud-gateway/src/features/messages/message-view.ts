import { RecipientStatusSchema, type RecipientResult, type RecipientStatus } from '@dtg/contracts';
import type { Sql } from '../../db/prisma';
import type { MessageView } from './messages.schemas';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';
import { directUserIds } from './recipient-expansion';

function countByStatus(recipients: RecipientResult[]): Record<RecipientStatus, number> {
  const counts = Object.fromEntries(RecipientStatusSchema.options.map((s) => [s, 0])) as Record<RecipientStatus, number>;
  for (const r of recipients) counts[r.status] += 1;
  return counts;
}

/** The cloud's view of a message: status, counts per recipient status, chunks with their task ids. */
export async function messageView(sql: Sql, message: MessageRecord): Promise<MessageView> {
  const chunks = await repo.chunkStates(sql, message.id);
  // Before the dispatch plans a message, its recipients are the userids given directly, all pending.
  const recipients =
    message.status === 'queued'
      ? directUserIds(message.recipientsSpec)
          .sort()
          .map((userid): RecipientResult => ({ userid, status: 'pending' }))
      : await repo.recipients(sql, message.id);
  return {
    id: message.id,
    status: message.status,
    channel: message.channel,
    msgtype: message.msgtype,
    msg: message.msg,
    recipientsSpec: message.recipientsSpec,
    createdAt: message.createdAt.toISOString(),
    completedAt: message.completedAt?.toISOString() ?? null,
    counts: countByStatus(recipients),
    chunks: chunks.map((c) => ({
      index: c.index,
      status: c.status,
      taskId: c.taskId,
      processQueryKey: c.processQueryKey,
      recipients: c.recipients,
      sentAt: c.sentAt?.toISOString() ?? null,
      lastError: c.lastError,
    })),
    recipients,
  };
}

// DELETE /v1/messages/:id: recalls every chunk DingTalk acknowledged (recall works for 24 h after a
// send). Each recalled chunk is recorded at once, so a retry after a partial failure resumes.
// Chunks whose outcome stayed unknown have no task id and cannot be recalled; their recipients stay `unknown`.
// Robot messages are recalled with batchRecall, by the processQueryKey of each chunk.
import type { OrgClient } from '@dtg/dingtalk-client';
import { AppError, conflict, notFound } from '@dtg/service-kit';
import { manageRefusal, type Principal } from '../auth/permissions';
import { classifyCallFailure } from './dingtalk-failure';
import { messageEventId } from './message-jobs';
import { messageView } from './message-view';
import { recallRobotChunks } from './robot-recall';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type ChunkState, type MessageRecord } from './messages.repository';
import type { MessageView } from './messages.schemas';

const RECALLABLE = ['sent', 'done'];

export function messageRecallService(deps: MessagesDeps) {
  const { sqldb } = deps;

  async function recallChunk(org: OrgClient, chunk: ChunkState, taskId: number): Promise<void> {
    try {
      await org.messages.recall(taskId);
    } catch (err) {
      const failure = classifyCallFailure(err);
      throw new AppError('upstream_error', `DingTalk did not recall task ${taskId} (${failure.reason}); retry the recall`, { cause: err });
    }
    await sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { status: 'recalled', nextPollAt: null }));
  }

  async function markRecalled(message: MessageRecord): Promise<void> {
    await sqldb.write(async (tx) => {
      if (!(await repo.setStatus(tx, message.id, ['sent', 'completed'], 'recalled'))) return;
      await repo.setRecipients(tx, message.id, await repo.recipientIds(tx, message.id), { status: 'recalled', from: ['sent', 'read', 'unread'] });
      await deps.outbox.append(tx, message.tenantId, 'message.recalled', { messageId: message.id }, { id: messageEventId.recalled(message.id) });
    });
  }

  return {
    async recall(principal: Principal, id: string): Promise<MessageView> {
      const { tenantId } = principal;
      const message = await sqldb.read(async (sql) => repo.findForTenant(sql, tenantId, id));
      if (!message) throw notFound(`message ${id} not found`);
      const refusal = manageRefusal(principal, message.createdBy);
      if (refusal) throw refusal;
      if (message.status === 'recalled') return sqldb.read(async (sql) => messageView(sql, message));
      if (message.status === 'queued' || message.status === 'sending') throw conflict('the message is still being dispatched; recall it once it is sent');
      const withTask = (await sqldb.read(async (sql) => repo.chunkStates(sql, id))).filter((c) => c.taskId !== null || c.processQueryKey !== null);
      if (message.status === 'failed' || withTask.length === 0)
        throw conflict('no chunk of this message has a DingTalk task id, so there is nothing to recall');
      const oldest = Math.min(...withTask.map((c) => c.sentAt?.getTime() ?? 0));
      if (deps.now() - oldest > deps.settings.recallWindowMs) throw new AppError('gone', 'DingTalk recalls a notification only within 24 h of sending it');
      const tenant = await deps.tenants.get(tenantId);
      const org = await deps.dingtalk.forTenant(tenant);
      if (message.channel === 'robot')
        await recallRobotChunks(
          deps,
          org,
          tenant,
          withTask.filter((c) => RECALLABLE.includes(c.status)),
        );
      for (const chunk of withTask) {
        if (chunk.taskId !== null && RECALLABLE.includes(chunk.status)) await recallChunk(org, chunk, chunk.taskId);
      }
      await markRecalled(message);
      return sqldb.read(async (sql) => messageView(sql, (await repo.find(sql, id)) ?? message));
    },
  };
}

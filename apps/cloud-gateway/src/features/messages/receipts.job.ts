// The durable receipts job of one message: polls every due chunk, reconciles unknown ones, emits
// `message.completed` once no chunk can change any more, then follows read receipts until none are
// unread or DingTalk's window closes. Each run re-reads the chunks, so a crash loses nothing.
import type { JobHandler } from '../jobs/job-runner';
import { completeMessage } from './message-lifecycle';
import { MessageJobPayloadSchema, RUN_BUDGET_MS } from './message-jobs';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type ChunkState } from './messages.repository';
import { pollRobotReads, pollRobotSend } from './robot-receipts';
import { pollReadReceipts, pollTask, settleUnpolled, stopPolling } from './task-poller';
import { reconcileChunk } from './unknown-chunk-reconciler';

/** A chunk that can still change the message's final statuses. */
const unsettled = (c: ChunkState) => c.status === 'sent' || (c.status === 'unknown' && c.nextPollAt !== null);
/** A finished chunk still followed for read receipts. */
const following = (c: ChunkState) => c.status === 'done' && c.nextPollAt !== null;

export function receiptsJob(deps: MessagesDeps): JobHandler {
  return async (payload) => {
    const { messageId } = MessageJobPayloadSchema.parse(payload);
    const message = await deps.sqldb.read(async (sql) => repo.find(sql, messageId));
    if (!message || (message.status !== 'sent' && message.status !== 'completed')) return { done: true };
    const completed = message.status === 'completed';
    const tenant = await deps.tenants.get(message.tenantId);
    const org = await deps.dingtalk.forTenant(tenant);
    // Every poll below is a DingTalk call billed to the org; once its month is spent, none is made.
    const { pollingAllowed } = await deps.callBudget.usage(tenant);
    const started = performance.now();
    const due = (c: Pick<ChunkState, 'nextPollAt'>) => c.nextPollAt !== null && c.nextPollAt.getTime() <= deps.now();
    // The chunks' states only; a due chunk's userids are read when it is polled.
    for (const state of await deps.sqldb.read(async (sql) => repo.chunkStates(sql, messageId))) {
      if (performance.now() - started > RUN_BUDGET_MS) return { runAgainInMs: 0 };
      if (!due(state)) continue;
      const chunk = await deps.sqldb.read(async (sql) => repo.chunk(sql, state.id));
      // Read again: another run (a replica's) may have polled it since the states were read.
      if (!chunk || !due(chunk)) continue;
      if (!pollingAllowed) await stopPolling(deps, chunk);
      else if (chunk.status === 'unknown') await reconcileChunk(deps, org, message, chunk);
      else if (chunk.status === 'sent' && tenant.receipts === 'none') await settleUnpolled(deps, chunk);
      else if (message.channel === 'robot') {
        if (chunk.processQueryKey === null) continue;
        if (chunk.status === 'sent') await pollRobotSend(deps, org, message, chunk, chunk.processQueryKey, tenant.receipts);
        else if (chunk.status === 'done' && completed) await pollRobotReads(deps, org, message, chunk, chunk.processQueryKey);
      } else if (chunk.taskId === null) continue;
      else if (chunk.status === 'sent') await pollTask(deps, org, message, chunk, chunk.taskId, tenant.receipts);
      // Read receipts only after message.completed, so they always follow the final statuses.
      else if (chunk.status === 'done' && completed) await pollReadReceipts(deps, org, message, chunk, chunk.taskId);
    }
    const chunksNow = () => deps.sqldb.read(async (sql) => repo.chunkStates(sql, messageId));
    let chunks = await chunksNow();
    if (!completed && !chunks.some(unsettled)) {
      await completeMessage(deps, message);
      chunks = await chunksNow();
    }
    const waiting = chunks.filter(completed || !chunks.some(unsettled) ? following : unsettled);
    if (waiting.length === 0) return { done: true };
    const next = Math.min(...waiting.map((c) => c.nextPollAt?.getTime() ?? 0));
    return { runAgainInMs: Math.max(0, next - deps.now()) };
  };
}

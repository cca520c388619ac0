// Receipts for one sent chunk: getsendresult until every recipient has an outcome (the final
// statuses), then unread recipients at the read-poll schedule's ages for read receipts, all inside
// DingTalk's 24 h query window. getsendresult alone answers both "done?" and "who read it?", so a
// chunk usually costs one call for its outcomes and one per scheduled read poll (the org pays for
// each: 5,000 calls a month on the standard edition).
import type { OrgClient, SendResult } from '@dtg/dingtalk-client';
import type { ReceiptLevel } from '../tenants/tenant';
import { classifyCallFailure } from './dingtalk-failure';
import { deliveryPollDelay, nextReadPollAt } from './message-settings';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type ChunkRecord, type MessageRecord } from './messages.repository';
import { addressedUserids, groupOutcomes, recipientOutcomes } from './receipt-results';

const TASK_DONE = 2;

/** The next read-receipt poll, or null when the schedule or DingTalk's window is over by then. */
export function nextReadPoll(deps: MessagesDeps, chunk: ChunkRecord, now: number): Date | null {
  const sentAt = chunk.sentAt?.getTime() ?? now;
  const at = nextReadPollAt(deps.settings, sentAt, now);
  return at !== null && at < sentAt + deps.settings.resultWindowMs ? new Date(at) : null;
}

export const windowOver = (deps: MessagesDeps, chunk: ChunkRecord, now: number) => now >= (chunk.sentAt?.getTime() ?? now) + deps.settings.resultWindowMs;

/**
 * The result once DingTalk has decided every recipient, else undefined. A recipient it does not
 * list yet means the task still runs; once the schedule is on its last (repeating) step, one
 * progress call tells a finished task that leaves someone out (they end `unknown`) from one still
 * running, so such a task is not polled for the whole window.
 */
async function finalResult(org: OrgClient, chunk: ChunkRecord, taskId: number, schedule: number[]): Promise<SendResult | undefined> {
  const result = await org.messages.getSendResult(taskId);
  const listed = addressedUserids(result);
  if (chunk.userids.every((u) => listed.has(u))) return result;
  if (chunk.polls + 1 < schedule.length) return undefined;
  const progress = await org.messages.getSendProgress(taskId);
  return progress.status === TASK_DONE ? result : undefined;
}

/** A sent task: its outcomes once DingTalk has them; read receipts are followed only at level `read`. */
export async function pollTask(
  deps: MessagesDeps,
  org: OrgClient,
  message: MessageRecord,
  chunk: ChunkRecord,
  taskId: number,
  level: ReceiptLevel,
): Promise<void> {
  const now = deps.now();
  if (windowOver(deps, chunk, now)) return settleWithoutResult(deps, message, chunk, 'result_window_expired');
  let result: SendResult | undefined;
  try {
    result = await finalResult(org, chunk, taskId, deps.settings.receiptScheduleMs);
  } catch (err) {
    const failure = classifyCallFailure(err);
    if (QUOTA_SPENT.has(failure.reason)) return stopPolling(deps, chunk);
    if (failure.kind === 'fail') return settleWithoutResult(deps, message, chunk, `result_unavailable:${failure.reason}`);
    deps.logger.warn('message task poll failed; polling again later', { messageId: message.id, taskId, reason: failure.reason });
    await pollAgain(deps, chunk, now);
    return;
  }
  if (!result) {
    await pollAgain(deps, chunk, now);
    return;
  }
  const outcomes = recipientOutcomes(chunk.userids, result);
  const followReads = level === 'read' && outcomes.some((o) => o.status === 'unread');
  await deps.sqldb.write(async (sql) => {
    for (const group of groupOutcomes(outcomes)) {
      await repo.setRecipients(sql, message.id, group.userids, { status: group.status, reason: group.reason ?? null, from: ['sent'] });
    }
    await repo.updateChunk(sql, chunk.id, { status: 'done', polls: chunk.polls + 1, nextPollAt: followReads ? nextReadPoll(deps, chunk, now) : null }, [
      'sent',
    ]);
  });
}

/** DingTalk's answer when the org's monthly API calls are spent (90020). */
export const QUOTA_SPENT = new Set(['90020', 'Forbidden.AccessDenied.ApiCountLimitForOrg']);
export const BUDGET_SPENT = 'receipts_stopped:monthly_call_budget';

/**
 * The org's monthly DingTalk calls are spent (its budget here, or DingTalk said 90020): no more
 * polls this month. A sent chunk is done with its recipients left `sent`, an unknown one stays
 * unknown, and read receipts stop; sends are not affected.
 */
export async function stopPolling(deps: MessagesDeps, chunk: ChunkRecord): Promise<void> {
  const lastError = chunk.status === 'done' ? chunk.lastError : chunk.lastError ? `${chunk.lastError}; ${BUDGET_SPENT}` : BUDGET_SPENT;
  await deps.sqldb.write(async (sql) =>
    repo.updateChunk(sql, chunk.id, { status: chunk.status === 'sent' ? 'done' : chunk.status, nextPollAt: null, lastError }, [chunk.status]),
  );
}

/** Receipt level `none`: the chunk is done unpolled; its recipients stay `sent`. */
export async function settleUnpolled(deps: MessagesDeps, chunk: ChunkRecord): Promise<void> {
  await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { status: 'done', nextPollAt: null }, ['sent']));
}

/** A finished task with unread recipients: who has read it since; reported as message.receipts.updated. */
export async function pollReadReceipts(deps: MessagesDeps, org: OrgClient, message: MessageRecord, chunk: ChunkRecord, taskId: number): Promise<void> {
  const now = deps.now();
  if (windowOver(deps, chunk, now)) {
    await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { nextPollAt: null }));
    return;
  }
  let result: SendResult;
  try {
    result = await org.messages.getSendResult(taskId);
  } catch (err) {
    const failure = classifyCallFailure(err);
    if (QUOTA_SPENT.has(failure.reason)) return stopPolling(deps, chunk);
    deps.logger.warn('read-receipt poll failed', { messageId: message.id, taskId, reason: failure.reason, willRetry: failure.kind !== 'fail' });
    await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { nextPollAt: failure.kind === 'fail' ? null : nextReadPoll(deps, chunk, now) }));
    return;
  }
  await recordReads(deps, message, chunk, new Set(result.read_user_id_list), now);
}

/** Unread recipients of the chunk found in `readNow` become `read`, reported as message.receipts.updated. */
export async function recordReads(deps: MessagesDeps, message: MessageRecord, chunk: ChunkRecord, readNow: Set<string>, now: number): Promise<void> {
  await deps.sqldb.write(async (tx) => {
    const unread = await repo.recipients(tx, message.id, { chunkId: chunk.id, status: ['unread'] });
    const newlyRead = unread.filter((r) => readNow.has(r.userid)).map((r) => r.userid);
    await repo.setRecipients(tx, message.id, newlyRead, { status: 'read', from: ['unread'] });
    const stillUnread = unread.length > newlyRead.length;
    await repo.updateChunk(tx, chunk.id, { polls: chunk.polls + 1, nextPollAt: stillUnread ? nextReadPoll(deps, chunk, now) : null });
    if (newlyRead.length === 0) return;
    const recipients = newlyRead.map((userid) => ({ userid, status: 'read' as const }));
    await deps.outbox.append(tx, message.tenantId, 'message.receipts.updated', { messageId: message.id, recipients });
  });
}

/** No result will come (window over, task refused): recipients still `sent` end `unknown` with the reason. */
export async function settleWithoutResult(deps: MessagesDeps, message: MessageRecord, chunk: ChunkRecord, reason: string): Promise<void> {
  await deps.sqldb.write(async (sql) => {
    await repo.setRecipients(sql, message.id, chunk.userids, { status: 'unknown', reason, from: ['sent'] });
    await repo.updateChunk(sql, chunk.id, { status: 'done', nextPollAt: null, lastError: chunk.lastError ? `${chunk.lastError}; ${reason}` : reason }, [
      'sent',
    ]);
  });
}

/** DingTalk has no answer yet (or failed for now): the next delivery poll, further out each time. */
export async function pollAgain(deps: MessagesDeps, chunk: ChunkRecord, now: number): Promise<void> {
  const nextPollAt = new Date(now + deliveryPollDelay(deps.settings, chunk.polls + 1));
  await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { polls: chunk.polls + 1, nextPollAt }));
}

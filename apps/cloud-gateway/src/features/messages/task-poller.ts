// Receipts for one sent chunk: getsendprogress until DingTalk says done, then getsendresult for the
// final statuses; afterwards unread recipients are polled on a thinning schedule for read receipts,
// all inside DingTalk's 24 h query window.
import type { OrgClient, SendResult } from '@dtg/dingtalk-client';
import { classifyCallFailure } from './dingtalk-failure';
import { progressPollDelay, readPollDelay } from './message-settings';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type ChunkRecord, type MessageRecord } from './messages.repository';
import { groupOutcomes, recipientOutcomes } from './receipt-results';

const TASK_DONE = 2;

/** The next read-receipt poll, or null when the window would be over by then. */
export function nextReadPoll(deps: MessagesDeps, chunk: ChunkRecord, now: number): Date | null {
  const sentAt = chunk.sentAt?.getTime() ?? now;
  const at = now + readPollDelay(deps.settings, now - sentAt);
  return at < sentAt + deps.settings.resultWindowMs ? new Date(at) : null;
}

export const windowOver = (deps: MessagesDeps, chunk: ChunkRecord, now: number) => now >= (chunk.sentAt?.getTime() ?? now) + deps.settings.resultWindowMs;

/** A running task: one progress poll, and the result once it is done. */
export async function pollTask(deps: MessagesDeps, org: OrgClient, message: MessageRecord, chunk: ChunkRecord, taskId: number): Promise<void> {
  const now = deps.now();
  if (windowOver(deps, chunk, now)) return settleWithoutResult(deps, message, chunk, 'result_window_expired');
  let result: SendResult | undefined;
  try {
    const progress = await org.messages.getSendProgress(taskId);
    if (progress.status === TASK_DONE) result = await org.messages.getSendResult(taskId);
  } catch (err) {
    const failure = classifyCallFailure(err);
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
  const unread = outcomes.some((o) => o.status === 'unread');
  await deps.sqlite.write((sql) => {
    for (const group of groupOutcomes(outcomes)) {
      repo.setRecipients(sql, message.id, group.userids, { status: group.status, reason: group.reason ?? null, from: ['sent'] });
    }
    repo.updateChunk(sql, chunk.id, { status: 'done', polls: chunk.polls + 1, nextPollAt: unread ? nextReadPoll(deps, chunk, now) : null }, ['sent']);
  });
}

/** A finished task with unread recipients: who has read it since; reported as message.receipts.updated. */
export async function pollReadReceipts(deps: MessagesDeps, org: OrgClient, message: MessageRecord, chunk: ChunkRecord, taskId: number): Promise<void> {
  const now = deps.now();
  if (windowOver(deps, chunk, now)) {
    await deps.sqlite.write((sql) => repo.updateChunk(sql, chunk.id, { nextPollAt: null }));
    return;
  }
  let result: SendResult;
  try {
    result = await org.messages.getSendResult(taskId);
  } catch (err) {
    const failure = classifyCallFailure(err);
    deps.logger.warn('read-receipt poll failed', { messageId: message.id, taskId, reason: failure.reason, willRetry: failure.kind !== 'fail' });
    await deps.sqlite.write((sql) => repo.updateChunk(sql, chunk.id, { nextPollAt: failure.kind === 'fail' ? null : nextReadPoll(deps, chunk, now) }));
    return;
  }
  await recordReads(deps, message, chunk, new Set(result.read_user_id_list), now);
}

/** Unread recipients of the chunk found in `readNow` become `read`, reported as message.receipts.updated. */
export async function recordReads(deps: MessagesDeps, message: MessageRecord, chunk: ChunkRecord, readNow: Set<string>, now: number): Promise<void> {
  await deps.sqlite.write((tx) => {
    const unread = repo.recipients(tx, message.id, { chunkId: chunk.id, status: ['unread'] });
    const newlyRead = unread.filter((r) => readNow.has(r.userid)).map((r) => r.userid);
    repo.setRecipients(tx, message.id, newlyRead, { status: 'read', from: ['unread'] });
    const stillUnread = unread.length > newlyRead.length;
    repo.updateChunk(tx, chunk.id, { polls: chunk.polls + 1, nextPollAt: stillUnread ? nextReadPoll(deps, chunk, now) : null });
    if (newlyRead.length === 0) return;
    const recipients = newlyRead.map((userid) => ({ userid, status: 'read' as const }));
    deps.outbox.append(tx, message.tenantId, 'message.receipts.updated', { messageId: message.id, recipients });
  });
}

/** No result will come (window over, task refused): recipients still `sent` end `unknown` with the reason. */
export async function settleWithoutResult(deps: MessagesDeps, message: MessageRecord, chunk: ChunkRecord, reason: string): Promise<void> {
  await deps.sqlite.write((sql) => {
    repo.setRecipients(sql, message.id, chunk.userids, { status: 'unknown', reason, from: ['sent'] });
    repo.updateChunk(sql, chunk.id, { status: 'done', nextPollAt: null, lastError: chunk.lastError ? `${chunk.lastError}; ${reason}` : reason }, ['sent']);
  });
}

/** DingTalk has no answer yet (or failed for now): the next progress poll, further out each time. */
export async function pollAgain(deps: MessagesDeps, chunk: ChunkRecord, now: number): Promise<void> {
  const nextPollAt = new Date(now + progressPollDelay(deps.settings, chunk.polls + 1));
  await deps.sqlite.write((sql) => repo.updateChunk(sql, chunk.id, { polls: chunk.polls + 1, nextPollAt }));
}

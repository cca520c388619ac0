// Receipts of a robot chunk (issue #21): readStatus by its processQueryKey until DingTalk says the
// send is done (SUCCESS), then each recipient READ or UNREAD; unread ones are followed on the same
// thinning schedule and inside the same window as work notifications. Recipients batchSend refused
// (unknown, flow-controlled) were made final when it answered and are left as they are.
import type { OrgClient, RobotReadStatus } from '@dtg/dingtalk-client';
import type { RecipientStatus } from '@dtg/contracts';
import type { ReceiptLevel } from '../tenants/tenant';
import { classifyCallFailure } from './dingtalk-failure';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type ChunkRecord, type MessageRecord } from './messages.repository';
import { groupOutcomes, type RecipientOutcome } from './receipt-results';
import { robotCodeOf } from './robot-channel';
import { nextReadPoll, pollAgain, QUOTA_SPENT, recordReads, settleWithoutResult, stopPolling, windowOver } from './task-poller';

const DELIVERED = 'SUCCESS';

/** Each userid of the chunk: READ → read, UNREAD → unread, not listed → unknown. */
export function robotOutcomes(userids: string[], status: RobotReadStatus): RecipientOutcome[] {
  const listed = new Map(status.messageReadInfoList.map((r) => [r.userId, r.readStatus]));
  return userids.map((userid): RecipientOutcome => {
    const read = listed.get(userid);
    if (read === undefined) return { userid, status: 'unknown', reason: 'not_in_read_status' };
    const state: RecipientStatus = read === 'READ' ? 'read' : 'unread';
    return { userid, status: state };
  });
}

async function readStatus(deps: MessagesDeps, org: OrgClient, message: MessageRecord, key: string): Promise<RobotReadStatus> {
  return org.robot.readStatus(robotCodeOf(deps, await deps.tenants.get(message.tenantId)), key);
}

/** A sent robot chunk: one readStatus poll; once delivered, the final per-recipient statuses. */
export async function pollRobotSend(
  deps: MessagesDeps,
  org: OrgClient,
  message: MessageRecord,
  chunk: ChunkRecord,
  key: string,
  level: ReceiptLevel,
): Promise<void> {
  const now = deps.now();
  if (windowOver(deps, chunk, now)) return settleWithoutResult(deps, message, chunk, 'result_window_expired');
  let status: RobotReadStatus;
  try {
    status = await readStatus(deps, org, message, key);
  } catch (err) {
    const failure = classifyCallFailure(err);
    if (QUOTA_SPENT.has(failure.reason)) return stopPolling(deps, chunk);
    if (failure.kind === 'fail') return settleWithoutResult(deps, message, chunk, `result_unavailable:${failure.reason}`);
    deps.logger.warn('robot read-status poll failed; polling again later', { messageId: message.id, reason: failure.reason });
    return pollAgain(deps, chunk, now);
  }
  if (status.sendStatus !== DELIVERED) return pollAgain(deps, chunk, now);
  const outcomes = robotOutcomes(chunk.userids, status);
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

/** A delivered robot chunk with unread recipients: who has read it since (message.receipts.updated). */
export async function pollRobotReads(deps: MessagesDeps, org: OrgClient, message: MessageRecord, chunk: ChunkRecord, key: string): Promise<void> {
  const now = deps.now();
  if (windowOver(deps, chunk, now)) {
    await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { nextPollAt: null }));
    return;
  }
  let status: RobotReadStatus;
  try {
    status = await readStatus(deps, org, message, key);
  } catch (err) {
    const failure = classifyCallFailure(err);
    deps.logger.warn('robot read-receipt poll failed', { messageId: message.id, reason: failure.reason, willRetry: failure.kind !== 'fail' });
    await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { nextPollAt: failure.kind === 'fail' ? null : nextReadPoll(deps, chunk, now) }));
    return;
  }
  const readNow = new Set(status.messageReadInfoList.filter((r) => r.readStatus === 'READ').map((r) => r.userId));
  await recordReads(deps, message, chunk, readNow, now);
}

// Step 2 of a dispatch: one asyncsend_v2 (or, for a template send, sendbytemplate) call per chunk. The chunk is marked `sending` (committed)
// BEFORE the call and only a `pending` chunk is ever claimed, so a chunk that DingTalk may have
// received — answer lost, process crashed mid-call — is never sent again: it becomes `unknown`.
import type { WorkNotificationMessage } from '@dtg/contracts';
import type { OrgClient, RobotBatchSendResult } from '@dtg/dingtalk-client';
import type { Sql } from '../../db/prisma';
import { classifyCallFailure, type CallFailure } from './dingtalk-failure';
import { deliveryPollDelay } from './message-settings';
import { ROBOT_FLOW_CONTROLLED_REASON, ROBOT_INVALID_REASON, sendRobotChunk } from './robot-channel';
import { templateOf } from './template-sends';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type ChunkRecord, type MessageRecord } from './messages.repository';

export type ChunkOutcome = 'sent' | 'unknown' | 'failed' | 'retry' | 'skipped';

export const unknownReason = (cause: string) => `send_outcome_unknown:${cause}`;

/** Well within the job runner's 120 s lease. */
const TASK_ID_LOCK_WAIT_MS = 60_000;

/** Sends one pending chunk. `lastTry`: a definite rejection fails the chunk instead of asking for a retry. */
export async function sendChunk(deps: MessagesDeps, org: OrgClient, message: MessageRecord, chunk: ChunkRecord, lastTry: boolean): Promise<ChunkOutcome> {
  const claimedAt = new Date(deps.now());
  // Durable (the WAL flushed before this resolves): after a power loss the chunk must still read `sending`, never
  // `pending` again, or it would be sent a second time.
  const claimed = await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { status: 'sending', sentAt: claimedAt }, ['pending']), {
    durable: true,
  });
  if (!claimed) return 'skipped';
  let taskId: number | null = null;
  let robot: RobotBatchSendResult | undefined;
  try {
    if (message.channel === 'robot') robot = await sendRobotChunk(deps, org, message, chunk);
    else {
      const template = templateOf(message.msg);
      taskId = template
        ? await org.messages.sendByTemplate({ userIds: chunk.userids, templateId: template.id, data: template.data })
        : await org.messages.send({ userIds: chunk.userids, msg: message.msg as WorkNotificationMessage });
    }
  } catch (err) {
    return recordFailure(deps, message, chunk, failureOf(deps, err), lastTry);
  }
  const now = deps.now();
  await deps.sqldb.write(
    async (sql) => {
      // `unknown` too: a second run that found this chunk mid-call may have given up on it meanwhile.
      const changes = {
        status: 'sent' as const,
        taskId,
        processQueryKey: robot?.processQueryKey ?? null,
        sentAt: new Date(now),
        nextPollAt: new Date(now + deliveryPollDelay(deps.settings, 0)),
        lastError: null,
      };
      await repo.updateChunk(sql, chunk.id, changes, ['sending', 'unknown']);
      if (robot) await recordRefusedByRobot(sql, message, robot);
      await repo.setRecipients(sql, message.id, chunk.userids, { status: 'sent', from: ['pending', 'unknown'] });
    },
    // DingTalk has the message: without its task id the chunk could only be reconciled by probing,
    // so this write outwaits another process's lock far longer than a request would.
    { lockWaitMs: TASK_ID_LOCK_WAIT_MS },
  );
  return 'sent';
}

/** Unknown and flow-controlled userids got nothing: final at once, with DingTalk's reason. */
async function recordRefusedByRobot(sql: Sql, message: MessageRecord, result: RobotBatchSendResult): Promise<void> {
  const from: ['pending', 'unknown'] = ['pending', 'unknown'];
  await repo.setRecipients(sql, message.id, result.invalidStaffIdList, { status: 'invalid', reason: ROBOT_INVALID_REASON, from });
  await repo.setRecipients(sql, message.id, result.flowControlledStaffIdList, { status: 'forbidden', reason: ROBOT_FLOW_CONTROLLED_REASON, from });
}

/** A chunk found `sending` at the start of a run: the run that claimed it died mid-call. */
export async function markInterrupted(deps: MessagesDeps, message: MessageRecord, chunk: ChunkRecord): Promise<void> {
  await markUnknown(deps, message, chunk, 'interrupted');
}

function failureOf(deps: MessagesDeps, err: unknown): CallFailure {
  try {
    return classifyCallFailure(err);
  } catch (unexpected) {
    // Not a DingTalk answer (a bug, the database): whether the request left is unknowable, so assume it did.
    deps.logger.error('unexpected error while sending a message chunk', { err: unexpected });
    return { kind: 'unknown', reason: 'internal_error' };
  }
}

async function recordFailure(deps: MessagesDeps, message: MessageRecord, chunk: ChunkRecord, failure: CallFailure, lastTry: boolean): Promise<ChunkOutcome> {
  if (failure.kind === 'unknown') {
    await markUnknown(deps, message, chunk, failure.reason);
    return 'unknown';
  }
  if (failure.kind === 'retry' && !lastTry) {
    await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { status: 'pending', sentAt: null, lastError: failure.reason }, ['sending']));
    return 'retry';
  }
  await deps.sqldb.write(async (sql) => {
    await repo.updateChunk(sql, chunk.id, { status: 'failed', lastError: failure.reason }, ['sending']);
    await repo.setRecipients(sql, message.id, chunk.userids, { status: 'failed', reason: failure.reason, from: ['pending'] });
  });
  return 'failed';
}

/** Never resent; the receipts job tries to find its task by probing (see unknown-chunk-reconciler). */
async function markUnknown(deps: MessagesDeps, message: MessageRecord, chunk: ChunkRecord, cause: string): Promise<void> {
  const now = deps.now();
  // Probing finds lost work-notification tasks by id; a robot send has no id to probe for.
  const reconcilable = deps.settings.reconcileProbes > 0 && message.channel !== 'robot';
  const nextPollAt = reconcilable ? new Date(now + deliveryPollDelay(deps.settings, 0)) : null;
  await deps.sqldb.write(async (sql) => {
    await repo.updateChunk(sql, chunk.id, { status: 'unknown', lastError: cause, nextPollAt }, ['sending']);
    await repo.setRecipients(sql, message.id, chunk.userids, { status: 'unknown', reason: unknownReason(cause), from: ['pending'] });
  });
}

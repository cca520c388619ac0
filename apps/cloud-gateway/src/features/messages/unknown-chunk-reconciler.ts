// Finding the task of a chunk whose send outcome is unknown — read-only, so it can never send twice.
//
// Rule: DingTalk numbers tasks in creation order, so the lost task (if it exists) has an id above
// the newest task id this tenant had acknowledged before the chunk was claimed (`floor`). The
// reconciler probes floor+1 … floor+N (N = MESSAGE_RECONCILE_PROBES), skipping ids the tenant
// already holds. Another app's task answers 40035 and is skipped; a task of ours that is done and
// addressed to EXACTLY the chunk's userids is the lost send: the chunk takes its task id and is
// polled like any other. Not-yet-done candidates are probed again later (inside the 24 h window).
// With no floor, no match, or the window over, the chunk stays `unknown` (its recipients keep
// `send_outcome_unknown:<cause>`) and its quota stays counted, since DingTalk may have delivered it.
import type { OrgClient } from '@dtg/dingtalk-client';
import { classifyCallFailure } from './dingtalk-failure';
import { deliveryPollDelay } from './message-settings';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type ChunkRecord, type MessageRecord } from './messages.repository';
import { addressedUserids } from './receipt-results';

const TASK_DONE = 2;

type Verdict = 'match' | 'other' | 'undecided';

export async function reconcileChunk(deps: MessagesDeps, org: OrgClient, message: MessageRecord, chunk: ChunkRecord): Promise<void> {
  const now = deps.now();
  const claimedAt = chunk.sentAt ?? new Date(now);
  if (now >= claimedAt.getTime() + deps.settings.resultWindowMs) return giveUp(deps, chunk, 'result_window_expired');
  const floor = await deps.sqldb.read(async (sql) => repo.newestTaskIdBefore(sql, message.tenantId, claimedAt));
  if (floor === null) return giveUp(deps, chunk, 'no_earlier_task');
  const candidates = Array.from({ length: deps.settings.reconcileProbes }, (_, i) => floor + 1 + i);
  const claimed = await deps.sqldb.read(async (sql) => repo.claimedTaskIds(sql, message.tenantId, candidates));
  const want = new Set(chunk.userids);
  let undecided = false;
  for (const taskId of candidates.filter((t) => !claimed.has(t))) {
    const verdict = await probe(org, taskId, want);
    if (verdict === 'match') return adopt(deps, message, chunk, taskId);
    undecided ||= verdict === 'undecided';
  }
  if (!undecided) return giveUp(deps, chunk, 'no_matching_task');
  const nextPollAt = new Date(now + deliveryPollDelay(deps.settings, chunk.polls + 1));
  await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { polls: chunk.polls + 1, nextPollAt }, ['unknown']));
}

async function probe(org: OrgClient, taskId: number, want: Set<string>): Promise<Verdict> {
  try {
    const progress = await org.messages.getSendProgress(taskId);
    // Before a task is done DingTalk lists only part of its recipients: no match is possible yet.
    if (progress.status !== TASK_DONE) return 'undecided';
    const addressed = addressedUserids(await org.messages.getSendResult(taskId));
    return addressed.size === want.size && [...want].every((u) => addressed.has(u)) ? 'match' : 'other';
  } catch (err) {
    return classifyCallFailure(err).kind === 'fail' ? 'other' : 'undecided';
  }
}

async function adopt(deps: MessagesDeps, message: MessageRecord, chunk: ChunkRecord, taskId: number): Promise<void> {
  deps.logger.info('unknown message chunk reconciled with its DingTalk task', { messageId: message.id, chunk: chunk.index, taskId });
  await deps.sqldb.write(async (sql) => {
    const changes = { status: 'sent' as const, taskId, nextPollAt: new Date(deps.now()), lastError: `${chunk.lastError ?? 'unknown'}; reconciled` };
    if (!(await repo.updateChunk(sql, chunk.id, changes, ['unknown']))) return;
    await repo.setRecipients(sql, message.id, chunk.userids, { status: 'sent', from: ['unknown'] });
  });
}

async function giveUp(deps: MessagesDeps, chunk: ChunkRecord, why: string): Promise<void> {
  const lastError = `${chunk.lastError ?? 'unknown'}; not reconciled: ${why}`;
  await deps.sqldb.write(async (sql) => repo.updateChunk(sql, chunk.id, { nextPollAt: null, lastError }, ['unknown']));
}

// Message-level transitions and the events that report them, each in ONE transaction with the
// status change it reports; compare-and-set on the status makes every event happen once.
import type { MessageStatus } from '@dtg/contracts';
import type { Sql } from '../../db/prisma';
import { messageEventId, RECEIPTS_JOB, receiptsJobId } from './message-jobs';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';
import { directUserIds } from './recipient-expansion';

function appendDispatched(deps: MessagesDeps, sql: Sql, message: MessageRecord): void {
  const taskIds = repo.chunks(sql, message.id).flatMap((c) => (c.taskId === null ? [] : [c.taskId]));
  const recipients = repo.recipients(sql, message.id);
  deps.outbox.appendSync(sql, message.tenantId, [{ type: 'message.dispatched', data: { messageId: message.id, taskIds, recipients }, id: messageEventId.dispatched(message.id) }]);
}

function appendCompleted(deps: MessagesDeps, sql: Sql, message: MessageRecord, status: MessageStatus): void {
  const recipients = repo.recipients(sql, message.id);
  deps.outbox.appendSync(sql, message.tenantId, [{ type: 'message.completed', data: { messageId: message.id, status, recipients }, id: messageEventId.completed(message.id) }]);
}

/** Every chunk has left (sent, unknown or failed): report it and hand over to the receipts job. */
export async function finishDispatch(deps: MessagesDeps, message: MessageRecord): Promise<void> {
  const now = deps.now();
  const moved = await deps.sqlite.write((sql) => {
    if (!repo.setStatus(sql, message.id, ['sending'], 'sent')) return false;
    appendDispatched(deps, sql, message);
    const polls = repo.chunks(sql, message.id).flatMap((c) => (c.nextPollAt ? [c.nextPollAt.getTime()] : []));
    const runAt = new Date(polls.length > 0 ? Math.min(...polls) : now);
    deps.jobs.enqueueSync(sql, RECEIPTS_JOB, { messageId: message.id }, { tenantId: message.tenantId, runAt, id: receiptsJobId(message.id) });
    return true;
  });
  if (moved) {
    deps.outbox.committed();
    deps.jobs.kick();
  }
}

/**
 * Final statuses are in: `failed` when every recipient failed (or there was nobody to send to),
 * otherwise `completed` — per-recipient statuses tell the rest.
 */
export async function completeMessage(deps: MessagesDeps, message: MessageRecord): Promise<void> {
  const done = await deps.sqlite.write((sql) => {
    const recipients = repo.recipients(sql, message.id);
    const status: MessageStatus = recipients.every((r) => r.status === 'failed') ? 'failed' : 'completed';
    if (!repo.setStatus(sql, message.id, ['sent'], status, new Date(deps.now()))) return false;
    appendCompleted(deps, sql, message, status);
    return true;
  });
  if (done) deps.outbox.committed();
}

/** Planning failed for good (no credentials, expansion refused): nothing was sent; every recipient fails with the reason. */
export async function failBeforeSending(deps: MessagesDeps, message: MessageRecord, reason: string): Promise<void> {
  const failed = await deps.sqlite.write((sql) => {
    if (!repo.setStatus(sql, message.id, ['queued'], 'failed', new Date(deps.now()))) return false;
    // Never planned: the userids given directly are the recipients known (department members never were).
    const userids = directUserIds(message.recipientsSpec);
    repo.addRecipients(sql, message.id, userids);
    repo.setRecipients(sql, message.id, userids, { status: 'failed', reason, from: ['pending'] });
    appendDispatched(deps, sql, message);
    appendCompleted(deps, sql, message, 'failed');
    return true;
  });
  if (failed) deps.outbox.committed();
}

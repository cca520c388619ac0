// Message-level transitions and the events that report them, each in ONE transaction with the
// status change it reports; compare-and-set on the status makes every event happen once.
import type { MessageStatus } from '@dtg/contracts';
import type { Tx } from '../../db/prisma';
import { messageEventId, RECEIPTS_JOB, receiptsJobId } from './message-jobs';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';
import { directUserIds } from './recipient-expansion';

function appendDispatched(deps: MessagesDeps, tx: Tx, message: MessageRecord): void {
  const taskIds = repo.chunks(tx, message.id).flatMap((c) => (c.taskId === null ? [] : [c.taskId]));
  const recipients = repo.recipients(tx, message.id);
  deps.outbox.append(tx, message.tenantId, 'message.dispatched', { messageId: message.id, taskIds, recipients }, { id: messageEventId.dispatched(message.id) });
}

function appendCompleted(deps: MessagesDeps, tx: Tx, message: MessageRecord, status: MessageStatus): void {
  const recipients = repo.recipients(tx, message.id);
  deps.outbox.append(tx, message.tenantId, 'message.completed', { messageId: message.id, status, recipients }, { id: messageEventId.completed(message.id) });
}

/** Every chunk has left (sent, unknown or failed): report it and hand over to the receipts job. */
export async function finishDispatch(deps: MessagesDeps, message: MessageRecord): Promise<void> {
  const now = deps.now();
  await deps.sqlite.write((tx) => {
    if (!repo.setStatus(tx, message.id, ['sending'], 'sent')) return;
    appendDispatched(deps, tx, message);
    const polls = repo.chunks(tx, message.id).flatMap((c) => (c.nextPollAt ? [c.nextPollAt.getTime()] : []));
    const runAt = new Date(polls.length > 0 ? Math.min(...polls) : now);
    deps.jobs.enqueue(tx, RECEIPTS_JOB, { messageId: message.id }, { tenantId: message.tenantId, runAt, id: receiptsJobId(message.id) });
  });
}

/**
 * Final statuses are in: `failed` when every recipient failed (or there was nobody to send to),
 * otherwise `completed` — per-recipient statuses tell the rest.
 */
export async function completeMessage(deps: MessagesDeps, message: MessageRecord): Promise<void> {
  await deps.sqlite.write((tx) => {
    const recipients = repo.recipients(tx, message.id);
    const status: MessageStatus = recipients.every((r) => r.status === 'failed') ? 'failed' : 'completed';
    if (repo.setStatus(tx, message.id, ['sent'], status, new Date(deps.now()))) appendCompleted(deps, tx, message, status);
  });
}

/** Planning failed for good (no credentials, expansion refused): nothing was sent; every recipient fails with the reason. */
export async function failBeforeSending(deps: MessagesDeps, message: MessageRecord, reason: string): Promise<void> {
  await deps.sqlite.write((tx) => {
    if (!repo.setStatus(tx, message.id, ['queued'], 'failed', new Date(deps.now()))) return;
    // Never planned: the userids given directly are the recipients known (department members never were).
    const userids = directUserIds(message.recipientsSpec);
    repo.addRecipients(tx, message.id, userids);
    repo.setRecipients(tx, message.id, userids, { status: 'failed', reason, from: ['pending'] });
    appendDispatched(deps, tx, message);
    appendCompleted(deps, tx, message, 'failed');
  });
}

// Message-level transitions and the events that report them, each in ONE transaction with the
// status change it reports; compare-and-set on the status makes every event happen once.
import type { MessageStatus } from '@dtg/contracts';
import type { DbTx } from '../../db/prisma';
import { messageEventId, RECEIPTS_JOB, receiptsJobId } from './message-jobs';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';

async function appendDispatched(deps: MessagesDeps, tx: DbTx, message: MessageRecord): Promise<void> {
  const chunks = await repo.chunks(tx, message.id);
  const taskIds = chunks.flatMap((c) => (c.taskId === null ? [] : [c.taskId]));
  const recipients = await repo.recipients(tx, message.id);
  await deps.outbox.append(tx, message.tenantId, 'message.dispatched', { messageId: message.id, taskIds, recipients }, { id: messageEventId.dispatched(message.id) });
}

async function appendCompleted(deps: MessagesDeps, tx: DbTx, message: MessageRecord, status: MessageStatus): Promise<void> {
  const recipients = await repo.recipients(tx, message.id);
  await deps.outbox.append(tx, message.tenantId, 'message.completed', { messageId: message.id, status, recipients }, { id: messageEventId.completed(message.id) });
}

/** Every chunk has left (sent, unknown or failed): report it and hand over to the receipts job. */
export async function finishDispatch(deps: MessagesDeps, message: MessageRecord): Promise<void> {
  const now = deps.now();
  const moved = await deps.db.$transaction(async (tx) => {
    if (!(await repo.setStatus(tx, message.id, ['sending'], 'sent'))) return false;
    await appendDispatched(deps, tx, message);
    const polls = (await repo.chunks(tx, message.id)).flatMap((c) => (c.nextPollAt ? [c.nextPollAt.getTime()] : []));
    const runAt = new Date(polls.length > 0 ? Math.min(...polls) : now);
    await deps.jobs.enqueue(tx, RECEIPTS_JOB, { messageId: message.id }, { tenantId: message.tenantId, runAt, id: receiptsJobId(message.id) });
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
  const done = await deps.db.$transaction(async (tx) => {
    const recipients = await repo.recipients(tx, message.id);
    const status: MessageStatus = recipients.every((r) => r.status === 'failed') ? 'failed' : 'completed';
    if (!(await repo.setStatus(tx, message.id, ['sent'], status, new Date(deps.now())))) return false;
    await appendCompleted(deps, tx, message, status);
    return true;
  });
  if (done) deps.outbox.committed();
}

/** Planning failed for good (no credentials, expansion refused): nothing was sent; every recipient fails with the reason. */
export async function failBeforeSending(deps: MessagesDeps, message: MessageRecord, reason: string): Promise<void> {
  const failed = await deps.db.$transaction(async (tx) => {
    if (!(await repo.setStatus(tx, message.id, ['queued'], 'failed', new Date(deps.now())))) return false;
    await repo.setRecipients(tx, message.id, await repo.recipientIds(tx, message.id), { status: 'failed', reason, from: ['pending'] });
    await appendDispatched(deps, tx, message);
    await appendCompleted(deps, tx, message, 'failed');
    return true;
  });
  if (failed) deps.outbox.committed();
}

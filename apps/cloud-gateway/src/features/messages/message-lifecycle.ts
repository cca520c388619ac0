// Message-level transitions and the events that report them, each in ONE transaction with the
// status change it reports; compare-and-set on the status makes every event happen once.
import type { MessageStatus } from '@dtg/contracts';
import type { Tx } from '../../db/prisma';
import { messageEventId, RECEIPTS_JOB, receiptsJobId } from './message-jobs';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';
import { directUserIds } from './recipient-expansion';

async function appendDispatched(deps: MessagesDeps, tx: Tx, message: MessageRecord): Promise<void> {
  const taskIds = (await repo.chunkStates(tx, message.id)).flatMap((c) => (c.taskId === null ? [] : [c.taskId]));
  await deps.outbox.appendAssembled(tx, message.tenantId, 'message.dispatched', { messageId: message.id, taskIds }, repo.recipientsJson(tx, message.id), {
    id: messageEventId.dispatched(message.id),
  });
}

async function appendCompleted(deps: MessagesDeps, tx: Tx, message: MessageRecord, status: MessageStatus): Promise<void> {
  await deps.outbox.appendAssembled(tx, message.tenantId, 'message.completed', { messageId: message.id, status }, repo.recipientsJson(tx, message.id), {
    id: messageEventId.completed(message.id),
  });
}

/** Every chunk has left (sent, unknown or failed): report it and hand over to the receipts job. */
export async function finishDispatch(deps: MessagesDeps, message: MessageRecord): Promise<void> {
  const now = deps.now();
  await deps.sqldb.write(async (tx) => {
    if (!(await repo.setStatus(tx, message.id, ['sending'], 'sent'))) return;
    await appendDispatched(deps, tx, message);
    const polls = (await repo.chunkStates(tx, message.id)).flatMap((c) => (c.nextPollAt ? [c.nextPollAt.getTime()] : []));
    const runAt = new Date(polls.length > 0 ? Math.min(...polls) : now);
    await deps.jobs.enqueue(tx, RECEIPTS_JOB, { messageId: message.id }, { tenantId: message.tenantId, runAt, id: receiptsJobId(message.id) });
  });
}

/**
 * Final statuses are in: `failed` when every recipient failed (or there was nobody to send to),
 * otherwise `completed` — per-recipient statuses tell the rest.
 */
export async function completeMessage(deps: MessagesDeps, message: MessageRecord): Promise<void> {
  await deps.sqldb.write(async (tx) => {
    const status: MessageStatus = (await repo.anyRecipientNotIn(tx, message.id, ['failed'])) ? 'completed' : 'failed';
    if (await repo.setStatus(tx, message.id, ['sent'], status, new Date(deps.now()))) await appendCompleted(deps, tx, message, status);
  });
}

/** Planning failed for good (no credentials, expansion refused): nothing was sent; every recipient fails with the reason. */
export async function failBeforeSending(deps: MessagesDeps, message: MessageRecord, reason: string): Promise<void> {
  await deps.sqldb.write(async (tx) => {
    if (!(await repo.setStatus(tx, message.id, ['queued'], 'failed', new Date(deps.now())))) return;
    // Never planned: the userids given directly are the recipients known (department members never were).
    await repo.addRecipients(tx, message.id, directUserIds(message.recipientsSpec), { status: 'failed', reason });
    await appendDispatched(deps, tx, message);
    await appendCompleted(deps, tx, message, 'failed');
  });
}

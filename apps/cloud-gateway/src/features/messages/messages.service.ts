// Accepting a work notification: stored with its recipients, answered 202, and in the SAME
// transaction the `message.accepted` event and the dispatch job — so a message exists exactly when
// it will be sent. Idempotency-Key: the same key and body give the same message; another body is a 409.
import { AppError, notFound } from '@dtg/service-kit';
import { newId } from '../../shared/ids';
import type { Principal } from '../auth/authenticate.middleware';
import { sha256Hex } from './canonical-hash';
import { DISPATCH_JOB, dispatchJobId, messageEventId } from './message-jobs';
import { messageView } from './message-view';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';
import type { AcceptedMessage, MessageView, SendMessageBody } from './messages.schemas';

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === 'P2002';

export function messagesService(deps: MessagesDeps) {
  const { db } = deps;

  function replay(existing: MessageRecord, requestHash: string): AcceptedMessage {
    if (existing.requestHash !== requestHash) {
      throw new AppError('idempotency_conflict', 'this Idempotency-Key was used with a different request body');
    }
    return { id: existing.id, status: existing.status };
  }

  async function create(principal: Principal, body: SendMessageBody, requestHash: string, idempotencyKey: string | null): Promise<AcceptedMessage> {
    const id = newId('msg');
    const createdAt = new Date(deps.now());
    const userIds = [...new Set(body.recipients.userIds ?? [])];
    await db.$transaction(async (tx) => {
      const record = { id, tenantId: principal.tenantId, idempotencyKey, requestHash, msgtype: body.msg.msgtype, msg: body.msg, recipientsSpec: body.recipients, createdBy: principal.userid ?? null, createdAt };
      await repo.create(tx, record, userIds);
      const accepted = { messageId: id, msgtype: body.msg.msgtype, msg: body.msg, recipients: body.recipients, createdAt: createdAt.toISOString() };
      await deps.outbox.append(tx, principal.tenantId, 'message.accepted', accepted, { id: messageEventId.accepted(id), occurredAt: createdAt });
      await deps.jobs.enqueue(tx, DISPATCH_JOB, { messageId: id }, { tenantId: principal.tenantId, runAt: createdAt, id: dispatchJobId(id) });
    });
    deps.outbox.committed();
    deps.jobs.kick();
    return { id, status: 'queued' };
  }

  return {
    /** Accepts a message, or answers a retry of an earlier request (same key, same body) with it. */
    async send(principal: Principal, body: SendMessageBody, idempotencyKey?: string): Promise<AcceptedMessage> {
      const requestHash = sha256Hex(body);
      if (idempotencyKey === undefined) return create(principal, body, requestHash, null);
      const existing = await repo.findByIdempotencyKey(db, principal.tenantId, idempotencyKey);
      if (existing) return replay(existing, requestHash);
      try {
        return await create(principal, body, requestHash, idempotencyKey);
      } catch (err) {
        // Two requests with one key raced: the loser answers like a retry of the winner.
        const winner = isUniqueViolation(err) ? await repo.findByIdempotencyKey(db, principal.tenantId, idempotencyKey) : null;
        if (!winner) throw err;
        return replay(winner, requestHash);
      }
    },

    async get(tenantId: string, id: string): Promise<MessageView> {
      const message = await repo.findForTenant(db, tenantId, id);
      if (!message) throw notFound(`message ${id} not found`);
      return messageView(db, message);
    },
  };
}

export type MessagesService = ReturnType<typeof messagesService>;

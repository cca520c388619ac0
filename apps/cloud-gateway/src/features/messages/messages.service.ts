// Accepting a work notification: stored (with its recipients spec), answered 202, and in the SAME
// transaction the `message.accepted` event and a dispatch request — so a message exists exactly
// when it will be sent. The request is the promise to send it: the job runner turns it into the
// message's dispatch job when it has room (dispatch-queue.ts). The per-recipient rows come with the
// dispatch plan, which also expands departments: the accept path, where callers wait, writes one
// message row, one event row and one request row.
// Idempotency-Key: the same key and body give the same message; another body is a 409.
import type { AcceptedMessage, MessageRecipientsQuery, SendMessageBody } from '@dtg/contracts';
import { AppError, canonicalSha256, notFound } from '@dtg/service-kit';
import type { Sql } from '../../db/prisma';
import { newId } from '../../shared/ids';
import { manageRefusal, type Principal } from '../auth/permissions';
import { memberSendRefusal, readMemberSendPolicy } from './member-send-policy';
import { messageView } from './message-view';
import { readTemplatePolicy, storedMessageFor } from './template-sends';
import type { DispatchQueue } from './dispatch-queue';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';
import type { MessageView } from './messages.schemas';
import { recipientsPage, type RecipientsPage } from './recipient-pages';

export function messagesService(deps: MessagesDeps, queue: Pick<DispatchQueue, 'request'>) {
  const { sqldb } = deps;

  return {
    /**
     * Accepts a message, or answers a retry of an earlier request (same key, same body) with it.
     * One transaction of direct SQL (the hot path: no Prisma), so the
     * key lookup and the insert cannot race another request with the same key.
     */
    async send(principal: Principal, body: SendMessageBody, idempotencyKey?: string): Promise<AcceptedMessage> {
      // Only a retry with the same key compares it: without a key there is nothing to hash for.
      const requestHash = idempotencyKey === undefined ? null : canonicalSha256(body);
      const id = newId('msg');
      const createdAt = new Date(deps.now());
      const accepted = await sqldb.write(async (tx): Promise<AcceptedMessage> => {
        const existing = idempotencyKey === undefined ? undefined : await repo.idempotent(tx, principal.tenantId, idempotencyKey);
        if (existing) {
          if (existing.requestHash !== requestHash) throw new AppError('idempotency_conflict', 'this Idempotency-Key was used with a different request body');
          return { id: existing.id, status: existing.status };
        }
        const member = principal.kind === 'user' && principal.role === 'member';
        const refusal = member ? memberSendRefusal(await readMemberSendPolicy(tx, principal.tenantId), body.recipients) : undefined;
        if (refusal) throw refusal;
        const { msgtype, msg } = storedMessageFor(await readTemplatePolicy(tx, principal.tenantId), body);
        // Who asked: the person behind a user token, or the API key (what members' own-message checks and the local store's views compare).
        const createdBy = principal.kind === 'user' ? principal.userid : principal.keyId;
        const record = {
          id,
          tenantId: principal.tenantId,
          idempotencyKey: idempotencyKey ?? null,
          requestHash,
          msgtype,
          msg,
          recipientsSpec: body.recipients,
          createdBy,
          createdAt,
          channel: body.channel ?? 'work_notification',
        };
        await repo.create(tx, record);
        const event = { messageId: id, msgtype, msg, recipients: body.recipients, createdAt: createdAt.toISOString(), createdBy, channel: record.channel };
        // No deterministic event id: the message id is new, so there is nothing to look up first.
        await deps.outbox.append(tx, principal.tenantId, 'message.accepted', event, { occurredAt: createdAt });
        await queue.request(tx, record);
        return { id, status: 'queued' };
      });
      return { id: accepted.id, status: accepted.status };
    },

    /** Members see only what they sent (manageRefusal); API keys and org admins every message of the tenant. */
    async get(principal: Principal, id: string): Promise<MessageView> {
      return sqldb.read(async (sql) => messageView(sql, await visible(sql, principal, id)));
    },

    /** A message's recipients page by page (by userid), optionally only some statuses; visible as in `get`. */
    async recipients(principal: Principal, id: string, query: MessageRecipientsQuery): Promise<RecipientsPage> {
      return sqldb.read(async (sql) => recipientsPage(sql, await visible(sql, principal, id), query));
    },
  };
}

export type MessagesService = ReturnType<typeof messagesService>;

/** The tenant's message (404 when there is none), if this principal may manage it (a member: only their own). */
async function visible(sql: Sql, principal: Principal, id: string): Promise<MessageRecord> {
  const message = await repo.findForTenant(sql, principal.tenantId, id);
  if (!message) throw notFound(`message ${id} not found`);
  const refusal = manageRefusal(principal, message.createdBy);
  if (refusal) throw refusal;
  return message;
}

// POST /api/messages: the send is recorded in Postgres first (with its message.created change
// event) and answered 202 queued; the relay worker takes it to the cloud. Idempotency-Key has the
// cloud's semantics, per caller: the same key and body give the same message, another body is a 409.
import type { AcceptedMessage, MessageStatus, SendMessageBody } from '@dtg/contracts';
import { AppError, canonicalSha256 } from '@dtg/service-kit';
import type { Pool } from 'pg';
import { inTransaction, runStatements } from '../../db/sql';
import { newId } from '../../shared/ids';
import { changesRepository } from '../changes/changes.repository';
import { messageRequestsRepository as repo, type RequestRow } from './message-requests.repository';

export function createMessageSending(deps: { pool: Pool; tenantId: string; onQueued: () => void }) {
  const { pool, tenantId } = deps;
  return {
    async send(createdBy: string, body: SendMessageBody, idempotencyKey?: string): Promise<AcceptedMessage> {
      const requestHash = idempotencyKey === undefined ? null : canonicalSha256(body);
      // A concurrent request with the same key loses the insert (unique key) and is retried by
      // inTransaction, which then finds the winner's row.
      const answer = await inTransaction(pool, async (sql) => {
        const existing = idempotencyKey === undefined ? undefined : await repo.findByKey(sql, tenantId, createdBy, idempotencyKey);
        if (existing) {
          if (existing.request_hash !== requestHash) throw new AppError('idempotency_conflict', 'this Idempotency-Key was used with a different request body');
          return { id: existing.id, status: requestStatus(existing), queued: false };
        }
        const id = newId('lmsg');
        await runStatements(sql, [
          repo.insert(tenantId, { id, idempotencyKey: idempotencyKey ?? null, requestHash, createdBy, body }),
          changesRepository.finalize(tenantId),
        ]);
        return { id, status: 'queued' as const, queued: true };
      });
      if (answer.queued) deps.onQueued();
      return { id: answer.id, status: answer.status };
    },
  };
}

export type MessageSending = ReturnType<typeof createMessageSending>;

/** A request's status until the cloud's own statuses take over (they come with the cloud's events). */
export function requestStatus(row: Pick<RequestRow, 'state'>): MessageStatus {
  return row.state === 'failed' ? 'failed' : 'queued';
}

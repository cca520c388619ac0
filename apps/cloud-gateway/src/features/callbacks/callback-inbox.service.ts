// The request side of a callback: verify, then in ONE transaction record the nonce, store the
// event (unless it is a redelivery) and enqueue its processing job. Nothing slow happens here:
// DingTalk wants the encrypted `success` within 1,200 ms and re-pushes otherwise. Stream events
// enter the same inbox (acceptStream): same rows, same job, keyed by DingTalk's eventId.
import { createHash } from 'node:crypto';
import type { EncryptedReply, StreamEvent } from '@dtg/dingtalk-client';
import type { SqlDatabase, Tx } from '../../db/prisma';
import type { JobRunner } from '../jobs/job-runner';
import type { CallbackEndpoint } from './callback-endpoint';
import { callbackEventsRepository } from './callback-events.repository';
import { corpIdOf, dispositionOf, eventKey, streamEventKey, streamPayload, type CallbackPayload } from './callback-payload';
import { CallbackRejected, openCallback, type SignedCallback } from './callback-verifier';

export const CALLBACK_JOB = 'callback.process';

export interface CallbackJobPayload {
  eventId: string;
}

export type AcceptResult = 'accepted' | 'duplicate' | 'verified' | 'ignored';

export interface CallbackInboxDeps {
  sqldb: SqlDatabase;
  jobs: JobRunner;
  windowMs: number;
  now: () => number;
  /** After an event was stored (the housekeeping job is scheduled lazily, see callbacks.feature.ts). */
  onStored?: () => void;
}

export function callbackInbox(deps: CallbackInboxDeps) {
  const { sqldb, jobs } = deps;

  /** Inside the caller's transaction: the event row (unless it is a redelivery) and its processing job. */
  async function insertEvent(
    tx: Tx,
    endpoint: Pick<CallbackEndpoint, 'source' | 'tenantId'>,
    id: string,
    payload: CallbackPayload,
    nowMs: number,
  ): Promise<'accepted' | 'duplicate'> {
    const event = { id, source: endpoint.source, eventType: payload.EventType, corpId: corpIdOf(payload) ?? null, payload };
    if (!(await callbackEventsRepository.insertIfAbsent(tx, event, new Date(nowMs)))) return 'duplicate';
    const job: CallbackJobPayload = { eventId: event.id };
    await jobs.enqueue(tx, CALLBACK_JOB, job, { tenantId: endpoint.tenantId });
    return 'accepted';
  }

  function stored(result: AcceptResult): AcceptResult {
    if (result === 'accepted') deps.onStored?.();
    return result;
  }

  return {
    /**
     * A Stream EVENT: the same inbox, rows and processing as an HTTP callback, keyed by DingTalk's
     * eventId so a redelivery (an ack that never arrived) changes nothing. Resolving means stored:
     * only then is the event acknowledged.
     */
    async acceptStream(endpoint: Pick<CallbackEndpoint, 'kind' | 'source' | 'tenantId'>, event: StreamEvent): Promise<AcceptResult> {
      if (dispositionOf(endpoint.kind, event.eventType) !== 'process') return 'ignored';
      const nowMs = deps.now();
      return stored(await sqldb.write(async (tx) => insertEvent(tx, endpoint, streamEventKey(endpoint.source, event.eventId), streamPayload(event), nowMs)));
    },

    async accept(endpoint: CallbackEndpoint, signed: SignedCallback): Promise<{ result: AcceptResult; eventType: string; reply: EncryptedReply }> {
      const nowMs = deps.now();
      const opened = openCallback(endpoint, signed, { nowMs, windowMs: deps.windowMs });
      const { payload } = opened;
      const disposition = dispositionOf(endpoint.kind, payload.EventType);
      const nonceId = createHash('sha256').update([endpoint.source, signed.nonce, signed.timestamp, signed.signature].join('\n')).digest('base64url');
      const result = await sqldb.write(async (tx): Promise<AcceptResult> => {
        // Kept until the timestamp leaves the window: after that the stale check refuses the copy.
        if (!(await callbackEventsRepository.recordNonce(tx, nonceId, new Date(opened.timestampMs + deps.windowMs)))) {
          throw new CallbackRejected('replay', 'this callback (nonce, timestamp, signature) was already received');
        }
        if (disposition === 'verify') return 'verified';
        if (disposition === 'ignore') return 'ignored';
        return insertEvent(tx, endpoint, eventKey(endpoint.source, payload), payload, nowMs);
      });
      stored(result);
      return { result, eventType: payload.EventType, reply: opened.reply(nowMs) };
    },
  };
}

export type CallbackInbox = ReturnType<typeof callbackInbox>;

// The request side of a callback: verify, then in ONE transaction record the nonce, store the
// event (unless it is a redelivery) and enqueue its processing job. Nothing slow happens here:
// DingTalk wants the encrypted `success` within 1,200 ms and re-pushes otherwise.
import { createHash } from 'node:crypto';
import type { EncryptedReply } from '@dtg/dingtalk-client';
import type { Db } from '../../db/prisma';
import type { JobRunner } from '../jobs/job-runner';
import type { CallbackEndpoint } from './callback-endpoint';
import { callbackEventsRepository } from './callback-events.repository';
import { corpIdOf, dispositionOf, eventKey } from './callback-payload';
import { CallbackRejected, openCallback, type SignedCallback } from './callback-verifier';

export const CALLBACK_JOB = 'callback.process';

export interface CallbackJobPayload {
  eventId: string;
}

export type AcceptResult = 'accepted' | 'duplicate' | 'verified' | 'ignored';

export interface CallbackInboxDeps {
  db: Db;
  jobs: JobRunner;
  windowMs: number;
  now: () => number;
  /** After an event was stored (the housekeeping job is scheduled lazily, see callbacks.feature.ts). */
  onStored?: () => void;
}

export function callbackInbox(deps: CallbackInboxDeps) {
  const { db, jobs } = deps;
  return {
    async accept(endpoint: CallbackEndpoint, signed: SignedCallback): Promise<{ result: AcceptResult; eventType: string; reply: EncryptedReply }> {
      const nowMs = deps.now();
      const opened = openCallback(endpoint, signed, { nowMs, windowMs: deps.windowMs });
      const { payload } = opened;
      const disposition = dispositionOf(endpoint.kind, payload.EventType);
      const nonceId = createHash('sha256').update([endpoint.source, signed.nonce, signed.timestamp, signed.signature].join('\n')).digest('base64url');
      const result = await db.$transaction(async (tx): Promise<AcceptResult> => {
        // Kept until the timestamp leaves the window: after that the stale check refuses the copy.
        if (!(await callbackEventsRepository.recordNonce(tx, nonceId, new Date(opened.timestampMs + deps.windowMs)))) {
          throw new CallbackRejected('replay', 'this callback (nonce, timestamp, signature) was already received');
        }
        if (disposition === 'verify') return 'verified';
        if (disposition === 'ignore') return 'ignored';
        const event = { id: eventKey(endpoint.source, payload), source: endpoint.source, eventType: payload.EventType, corpId: corpIdOf(payload) ?? null, payload };
        if (!(await callbackEventsRepository.insertIfAbsent(tx, event, new Date(nowMs)))) return 'duplicate';
        const job: CallbackJobPayload = { eventId: event.id };
        jobs.enqueue(CALLBACK_JOB, job, { tenantId: endpoint.tenantId });
        return 'accepted';
      });
      if (result === 'accepted') {
        jobs.kick();
        deps.onStored?.();
      }
      return { result, eventType: payload.EventType, reply: opened.reply(nowMs) };
    },
  };
}

export type CallbackInbox = ReturnType<typeof callbackInbox>;

// Job kinds and deterministic ids: one dispatch job and one receipts job per message, so enqueueing
// either twice for the same message fails instead of running the work twice.
import { z } from 'zod';

export const DISPATCH_JOB = 'message.dispatch';
export const RECEIPTS_JOB = 'message.receipts';

export const MessageJobPayloadSchema = z.object({ messageId: z.string().min(1) });
export type MessageJobPayload = z.infer<typeof MessageJobPayloadSchema>;

export const dispatchJobId = (messageId: string) => `job_msgdispatch_${messageId}`;
export const receiptsJobId = (messageId: string) => `job_msgreceipts_${messageId}`;

export const messageEventId = {
  dispatched: (messageId: string) => `evt_msgdispatched_${messageId}`,
  completed: (messageId: string) => `evt_msgcompleted_${messageId}`,
  recalled: (messageId: string) => `evt_msgrecalled_${messageId}`,
};

/** A job run should hand its lease back well before it expires (the runner's lease is 120 s). */
export const RUN_BUDGET_MS = 45_000;

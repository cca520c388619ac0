// The durable dispatch job of one message: plan (expand, quota guard, chunks), send every chunk,
// report `message.dispatched`. It resumes from the rows it wrote: a planned message is not planned
// again, a sent chunk is not sent again, a chunk caught mid-call is `unknown`.
import type { OrgClient } from '@dtg/dingtalk-client';
import type { JobHandler, JobResult } from '../jobs/job-runner';
import { markInterrupted, sendChunk } from './chunk-sender';
import { classifyCallFailure } from './dingtalk-failure';
import { planDispatch } from './dispatch-plan';
import { failBeforeSending, finishDispatch } from './message-lifecycle';
import { MessageJobPayloadSchema, RUN_BUDGET_MS } from './message-jobs';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';

/** After a run that made progress, a rejected chunk is tried again this much later. */
const RETRY_AFTER_PROGRESS_MS = 2_000;
const SUSPENDED_RECHECK_MS = 60_000;

export function dispatchJob(deps: MessagesDeps): JobHandler {
  return async (payload, ctx) => {
    const { messageId } = MessageJobPayloadSchema.parse(payload);
    const message = await deps.sqldb.read(async (sql) => repo.find(sql, messageId));
    if (!message || (message.status !== 'queued' && message.status !== 'sending')) return { done: true };
    const tenant = await deps.tenants.get(message.tenantId);
    if (tenant.status !== 'active') return { runAgainInMs: SUSPENDED_RECHECK_MS };
    // The robot channel needs no AgentId (its robot code defaults to the app's key).
    if (tenant.agentId === null && message.status === 'queued' && message.channel === 'work_notification') {
      await failBeforeSending(deps, message, 'agent_id_missing');
      return { done: true };
    }
    const lastTry = ctx.attempts >= deps.settings.sendAttempts;
    let org: OrgClient;
    try {
      org = await deps.dingtalk.forTenant(tenant);
      if (message.status === 'queued') await planDispatch(deps, org, tenant, message);
    } catch (err) {
      if (message.status !== 'queued') throw err;
      // Planning failed and nothing was sent: retry what may pass later, give up on the rest.
      const failure = classifyCallFailure(err);
      if (failure.kind !== 'fail' && !lastTry) throw err;
      await failBeforeSending(deps, message, failure.reason);
      return { done: true };
    }
    return sendChunks(deps, org, message, lastTry);
  };
}

async function sendChunks(deps: MessagesDeps, org: OrgClient, message: MessageRecord, lastTry: boolean): Promise<JobResult> {
  const started = performance.now();
  let progressed = false;
  // The chunks' states only: their userids (all the message's recipients) are read one chunk at a time, when it is sent.
  for (const state of await deps.sqldb.read(async (sql) => repo.chunkStates(sql, message.id))) {
    if (state.status !== 'sending' && state.status !== 'pending') continue;
    const chunk = await deps.sqldb.read(async (sql) => repo.chunk(sql, state.id));
    if (!chunk) continue;
    if (chunk.status === 'sending') await markInterrupted(deps, message, chunk);
    if (chunk.status !== 'pending') continue;
    if (performance.now() - started > RUN_BUDGET_MS) return { runAgainInMs: 0 };
    const outcome = await sendChunk(deps, org, message, chunk, lastTry);
    if (outcome === 'retry') {
      if (progressed) return { runAgainInMs: RETRY_AFTER_PROGRESS_MS };
      // Throwing keeps the runner's attempt count (and backoff) going until `lastTry`.
      throw new Error(`DingTalk refused chunk ${chunk.index} of message ${message.id}; it will be retried`);
    }
    progressed = true;
  }
  await finishDispatch(deps, message);
  return { done: true };
}

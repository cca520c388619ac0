// Operational webhooks: what the operator is told without watching dashboards (issue #24) —
// delivery.dead, endpoint.disabled, tenant.credentials_failing, suite_ticket.stale — sent as
// Standard Webhooks to the one URL the deployment configures (OPS_WEBHOOK_URL/OPS_WEBHOOK_SECRET).
// Each event is a durable job written in the transaction of the change it reports, so a crash
// loses none; the job runner retries it, and the dispatcher (tenant pushes) never waits on it.
import { signWebhook } from '@dtg/webhook-signing';
import { ConfigError, type Logger } from '@dtg/service-kit';
import { Counter, type Registry } from 'prom-client';
import type { SqlDatabase, Tx } from '../../db/prisma';
import { newId } from '../../shared/ids';
import type { JobResult, JobRunner } from '../jobs/job-runner';
import type { WebhookSender } from '../delivery/webhook-sender';

export const OPS_WEBHOOK_JOB = 'ops.webhook';
export const OPS_EVENT_TYPES = ['delivery.dead', 'endpoint.disabled', 'tenant.credentials_failing', 'suite_ticket.stale'] as const;
export type OpsEventType = (typeof OPS_EVENT_TYPES)[number];

/** The body as Standard Webhooks recommends it: type, timestamp, data. */
interface OpsMessage {
  id: string;
  type: OpsEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

/** A failed send waits as long as the message is old (5 s at least, 1 h at most) and is given up after this. */
const GIVE_UP_AFTER_MS = 3 * 24 * 3600_000;
const MIN_RETRY_MS = 5_000;
const MAX_RETRY_MS = 3600_000;

export interface OpsWebhooksDeps {
  url?: string;
  secret?: string;
  sqldb: SqlDatabase;
  jobs: JobRunner;
  send: WebhookSender;
  timeoutMs: number;
  logger: Logger;
  now: () => number;
}

export interface OpsWebhooks {
  /** Whether OPS_WEBHOOK_URL is set (without it events are only logged and counted). */
  readonly configured: boolean;
  /**
   * In the caller's transaction: the event goes out once that commits. With `key`, an event with
   * the same key is made once (a transition reported by a periodic check is not reported again).
   */
  emit(tx: Tx, type: OpsEventType, data: Record<string, unknown>, key?: string): Promise<void>;
  /** The same in a transaction of its own. */
  emitNow(type: OpsEventType, data: Record<string, unknown>, key?: string): Promise<void>;
  register(registry: Registry): void;
}

export function opsWebhooks(deps: OpsWebhooksDeps): OpsWebhooks {
  const { url, secret, logger } = deps;
  if (Boolean(url) !== Boolean(secret)) {
    const missing = url ? 'OPS_WEBHOOK_SECRET' : 'OPS_WEBHOOK_URL';
    throw new ConfigError([{ variable: missing, reason: 'is required when the other OPS_WEBHOOK_ variable is set' }]);
  }
  const configured = Boolean(url && secret);
  const emitted = new Counter({
    name: 'dtg_ops_events_total',
    help: 'Operational events raised, by type (delivery.dead, endpoint.disabled, tenant.credentials_failing, suite_ticket.stale)',
    labelNames: ['type'],
    registers: [],
  });
  const sends = new Counter({
    name: 'dtg_ops_webhook_sends_total',
    help: 'Attempts to send an operational webhook, by outcome (delivered, failed = retried later, given_up)',
    labelNames: ['outcome'],
    registers: [],
  });

  async function emit(tx: Tx, type: OpsEventType, data: Record<string, unknown>, key?: string): Promise<void> {
    const jobId = key ? `ops_${key}` : undefined;
    // Raised already (a periodic check sees the same transition every time): not again, not counted again.
    if (jobId && (await tx.get('SELECT 1 AS found FROM "Job" WHERE id = ?', jobId))) return;
    emitted.inc({ type });
    logger.warn(`operational event ${type}`, { opsEvent: type, ...data });
    // Queued even without OPS_WEBHOOK_URL: the job row is the record that it was raised (the handler then has nothing to send).
    const message: OpsMessage = { id: newId('ops'), type, timestamp: new Date(deps.now()).toISOString(), data };
    await deps.jobs.enqueue(tx, OPS_WEBHOOK_JOB, message, jobId ? { id: jobId, ifAbsent: true } : {});
  }

  async function deliver(payload: unknown): Promise<JobResult> {
    const message = payload as OpsMessage;
    if (!url || !secret) return { done: true }; // no receiver configured (or removed since): logged and counted only
    const body = JSON.stringify({ type: message.type, timestamp: message.timestamp, data: message.data });
    const headers = {
      ...signWebhook({ id: message.id, timestampSec: Math.floor(deps.now() / 1000), body, secrets: [secret] }),
      'content-type': 'application/json',
      'user-agent': 'dingtalk-gateway-ops/1',
    };
    const result = await deps.send(url, body, headers, deps.timeoutMs);
    if (result.status !== undefined && result.status >= 200 && result.status < 300) {
      sends.inc({ outcome: 'delivered' });
      return { done: true };
    }
    const ageMs = Math.max(0, deps.now() - Date.parse(message.timestamp));
    const error = result.error ?? `HTTP ${result.status}`;
    if (ageMs > GIVE_UP_AFTER_MS) {
      sends.inc({ outcome: 'given_up' });
      logger.error('operational webhook given up after three days of failures', { opsEvent: message.type, id: message.id, error });
      return { done: true };
    }
    sends.inc({ outcome: 'failed' });
    logger.warn('operational webhook failed, will retry', { opsEvent: message.type, id: message.id, error });
    // The wait grows with the message's age (about doubling each time), without an attempt counter.
    return { runAgainInMs: Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, ageMs)) };
  }

  deps.jobs.register(OPS_WEBHOOK_JOB, deliver);

  return {
    configured,
    emit,
    emitNow: (type, data, key) => deps.sqldb.write(async (tx) => emit(tx, type, data, key)),
    register(registry) {
      registry.registerMetric(emitted);
      registry.registerMetric(sends);
    },
  };
}

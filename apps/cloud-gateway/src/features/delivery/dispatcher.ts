// Pushes outbox events to each tenant's webhook URL. One worker per tenant with due work, at most
// `concurrencyPerTenant` pushes in flight each. Workers claim rows with a lease sized to cover the
// push, so a crash never loses a delivery (the lease runs out and the row is claimed again) and the
// receiver's idempotent apply absorbs the duplicate. Finished attempts are written in batches (one
// SQLite transaction per flush) — per-row bookkeeping, not HTTP, was what limited throughput.
import { nextStep, parseRetryAfter, signWebhook, type PushResult, type RetryPolicy } from '@dtg/webhook-signing';
import { BatchWriter, KeyedWorkers, runWithContext, type Logger, type Signal } from '@dtg/service-kit';
import { Counter, type Registry } from 'prom-client';
import type { SqlDatabase, Tx } from '../../db/prisma';
import { newId } from '../../shared/ids';
import { envelopeJson } from '../outbox/events.repository';
import { tenantsRepository } from '../tenants/tenants.repository';
import type { TenantsService } from '../tenants/tenants.service';
import type { OpsWebhooks } from '../ops/ops-webhooks';
import type { EndpointHealth } from './endpoint-health';
import { deliveriesRepository, type AttemptResult, type ClaimedDelivery, type EventRow } from './deliveries.repository';
import type { WebhookSender } from './webhook-sender';
import type { AddressPolicy } from './address-policy';
import { assertSafeWebhookUrl } from './webhook-url-guard';

export interface DispatcherDeps {
  /** Deliveries, their events and the tenants' webhook URLs as direct SQL (deliveries.repository.ts). */
  sqldb: SqlDatabase;
  tenants: TenantsService;
  logger: Logger;
  send: WebhookSender;
  policy: RetryPolicy;
  /** Where pushes may go (see address-policy.ts). */
  addresses: AddressPolicy;
  timeoutMs: number;
  concurrencyPerTenant: number;
  pollIntervalMs: number;
  /** Failing endpoints are tracked and disabled here (endpoint-health.ts). */
  health?: EndpointHealth;
  /** delivery.dead goes to the operator from here. */
  ops?: OpsWebhooks;
  now?: () => number;
}

type Target = { url: string; secrets: string[] } | { error: string };

/** A tenant's URL check and opened secrets are reused this long (rotation and suspension apply within it). */
const TARGET_TTL_MS = 2_000;

export class Dispatcher extends KeyedWorkers {
  private readonly owner = newId('dsp');
  private readonly targets = new Map<string, { target: Target; at: number }>();
  private readonly outcomes: BatchWriter<AttemptResult>;
  private readonly now: () => number;
  private readonly attemptsCounter = new Counter({
    name: 'dtg_push_attempts_total',
    help: "Pushes to tenants' local stores by outcome: delivered, failed (retried later) or dead (retries exhausted)",
    labelNames: ['tenant', 'outcome'],
    registers: [],
  });

  /** A worker per tenant with due work (KeyedWorkers); stop() waits for pushes in flight, each bounded by the webhook timeout. */
  constructor(private readonly deps: DispatcherDeps) {
    super({ pollIntervalMs: deps.pollIntervalMs, onError: (err) => deps.logger.error('dispatcher scan failed', { err }) });
    this.now = deps.now ?? Date.now;
    // Finished attempts are written in batches, one SQLite transaction per batch (with the endpoint's
    // health and the operator's delivery.dead, which commit with them).
    this.outcomes = new BatchWriter((batch) => deps.sqldb.write(async (tx) => this.recordBatch(tx, batch)), {
      at: 200,
      everyMs: 10,
      onError: (err, count) =>
        deps.logger.error('recording webhook attempts failed; the leases will expire and the events will be pushed again', { count, err }),
    });
  }

  /** dtg_push_attempts_total (made with the dispatcher, registered by the app). */
  registerMetrics(registry: Registry): void {
    registry.registerMetric(this.attemptsCounter);
  }

  protected due(): Promise<string[]> {
    return this.deps.sqldb.read(async (sql) => deliveriesRepository.tenantsWithDueWork(sql, this.now()));
  }

  protected work(tenantId: string, signal: Signal): Promise<boolean> {
    return this.runTenant(tenantId, signal);
  }

  /** stop() and drain() end once every attempt is recorded. */
  protected override settle(): Promise<void> {
    return this.outcomes.flush();
  }

  /** Resolves true when new work was signalled while the worker was ending. */
  private async runTenant(tenantId: string, signal: Signal): Promise<boolean> {
    const { concurrencyPerTenant, timeoutMs } = this.deps;
    const leaseMs = timeoutMs * 2 + 5_000;
    // Claim in batches (a quarter of the slots) rather than one row per finished push.
    const batch = Math.max(1, Math.floor(concurrencyPerTenant / 4));
    let inFlight = 0;
    try {
      while (!this.stopped) {
        const free = concurrencyPerTenant - inFlight;
        if (free >= batch || inFlight === 0) {
          const now = this.now();
          const claimed = await this.deps.sqldb.write(async (tx) => deliveriesRepository.claim(tx, tenantId, this.owner, free, now, leaseMs));
          if (claimed.length === 0 && inFlight === 0) break;
          if (claimed.length > 0) {
            const [target, events] = await Promise.all([
              this.target(tenantId),
              this.deps.sqldb.read(async (sql) =>
                deliveriesRepository.events(
                  sql,
                  claimed.map((c) => c.eventId),
                ),
              ),
            ]);
            for (const delivery of claimed) {
              inFlight += 1;
              // Not awaited: pushes run side by side up to the slots; deliver() records every outcome and never rejects.
              void this.deliver(delivery, events.get(delivery.eventId), target).finally(() => {
                inFlight -= 1;
                signal.notify();
              });
            }
            if (claimed.length === free) continue;
          }
        }
        await signal.wait();
      }
    } catch (err) {
      this.deps.logger.error('dispatcher worker failed', { tenantId, err });
    } finally {
      while (inFlight > 0) await signal.wait();
    }
    return signal.isPending();
  }

  private async target(tenantId: string): Promise<Target> {
    const cached = this.targets.get(tenantId);
    if (cached && this.now() - cached.at < TARGET_TTL_MS) return cached.target;
    const target = await this.resolveTarget(tenantId);
    this.targets.set(tenantId, { target, at: this.now() });
    return target;
  }

  private async resolveTarget(tenantId: string): Promise<Target> {
    const row = await this.deps.sqldb.read(async (sql) => tenantsRepository.findRowSql(sql, tenantId));
    if (!row?.webhookUrl) return { error: 'tenant has no webhook URL' };
    try {
      await assertSafeWebhookUrl(row.webhookUrl, this.deps.addresses);
    } catch (err) {
      return { error: `webhook URL refused: ${(err as Error).message}` };
    }
    return { url: row.webhookUrl, secrets: this.deps.tenants.signingSecrets(row) };
  }

  private async deliver(delivery: ClaimedDelivery, event: EventRow | undefined, target: Target): Promise<void> {
    if (!event) return; // deleted with its tenant (cascade): nothing left to push
    await runWithContext({ requestId: event.requestId ?? event.id, tenantId: event.tenantId }, async () => {
      const attempts = delivery.attempts + 1;
      const result: PushResult = 'url' in target ? await this.push(target, event) : { body: '', durationMs: 0, error: target.error };
      const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
      const attempt = {
        deliveryId: delivery.id,
        tenantId: event.tenantId,
        event: { id: event.id, seq: event.seq, type: event.type },
        httpStatus: result.status,
        durationMs: result.durationMs,
        response: result.body,
        error: result.error,
      };
      if (ok) {
        this.attemptsCounter.inc({ tenant: event.tenantId, outcome: 'delivered' });
        this.outcomes.add({ ...attempt, outcome: { status: 'delivered', attempts } });
        return;
      }
      const lastError = result.error ?? `HTTP ${result.status}`;
      const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.retryAfter, this.now()) : undefined;
      const step = nextStep(this.deps.policy, attempts, retryAfter);
      this.attemptsCounter.inc({ tenant: event.tenantId, outcome: step.kind === 'dead' ? 'dead' : 'failed' });
      this.outcomes.add({
        ...attempt,
        outcome:
          step.kind === 'dead' ? { status: 'dead', attempts, lastError } : { status: 'pending', attempts, lastError, nextAttemptAt: this.now() + step.delayMs },
      });
      this.deps.logger.warn(step.kind === 'dead' ? 'webhook delivery dead' : 'webhook delivery failed, will retry', {
        deliveryId: delivery.id,
        eventId: event.id,
        attempts,
        error: lastError,
      });
    });
  }

  private push(target: { url: string; secrets: string[] }, event: EventRow): Promise<PushResult> {
    const body = envelopeJson(event);
    const signed = signWebhook({ id: event.id, timestampSec: Math.floor(this.now() / 1000), body, secrets: target.secrets });
    const headers = { ...signed, 'content-type': 'application/json', 'x-request-id': event.requestId ?? event.id, 'user-agent': 'dingtalk-gateway-webhooks/1' };
    return this.deps.send(target.url, body, headers, this.deps.timeoutMs);
  }

  private async recordBatch(tx: Tx, batch: AttemptResult[]): Promise<void> {
    const now = this.now();
    await deliveriesRepository.record(tx, batch, now);
    await this.deps.health?.recorded(
      tx,
      batch.map((r) => ({ tenantId: r.tenantId, ok: r.outcome.status === 'delivered' })),
      now,
    );
    await this.reportDead(tx, batch);
  }

  /** One delivery.dead per tenant and batch (a store down for a day kills many at once), committed with the attempts. */
  private async reportDead(tx: Tx, batch: readonly AttemptResult[]): Promise<void> {
    const dead = new Map<string, AttemptResult[]>();
    for (const r of batch) if (r.outcome.status === 'dead') dead.set(r.tenantId, [...(dead.get(r.tenantId) ?? []), r]);
    for (const [tenantId, results] of dead) {
      await this.deps.ops?.emit(tx, 'delivery.dead', {
        tenantId,
        count: results.length,
        // Enough to resend each (admin deliveries list --status dead has them all).
        deliveries: results.slice(0, 100).map((r) => ({
          deliveryId: r.deliveryId,
          eventId: r.event?.id,
          seq: r.event?.seq,
          eventType: r.event?.type,
          attempts: r.outcome.attempts,
          lastError: r.outcome.lastError,
        })),
      });
    }
  }
}

// Pushes outbox events to each tenant's webhook URL. One worker per tenant with due work, at most
// `concurrencyPerTenant` pushes in flight each; workers claim rows with a lease sized to cover the
// push, so a crash never loses a delivery (the lease runs out and the row is claimed again) and the
// receiver's idempotent apply absorbs the duplicate.
import { signWebhook } from '@dtg/webhook-signing';
import { runWithContext, type Logger } from '@dtg/service-kit';
import type { Db } from '../../db/prisma';
import { newId } from '../../shared/ids';
import { toEnvelope } from '../outbox/events.repository';
import type { TenantsService } from '../tenants/tenants.service';
import { deliveriesRepository, type ClaimedDelivery } from './deliveries.repository';
import { nextStep, parseRetryAfter, type RetryPolicy } from './retry-schedule';
import type { WebhookSender } from './webhook-sender';
import { assertSafeWebhookUrl } from './webhook-url-guard';

export interface DispatcherDeps {
  db: Db;
  tenants: TenantsService;
  logger: Logger;
  send: WebhookSender;
  policy: RetryPolicy;
  timeoutMs: number;
  concurrencyPerTenant: number;
  pollIntervalMs: number;
  now?: () => number;
}

interface TenantTarget {
  url: string;
  secrets: string[];
}

export class Dispatcher {
  private readonly owner = newId('dsp');
  private readonly workers = new Map<string, Promise<void>>();
  private readonly wakers = new Map<string, () => void>();
  private timer?: NodeJS.Timeout;
  private scanning = false;
  private rescan = false;
  private stopped = true;
  private readonly now: () => number;

  constructor(private readonly deps: DispatcherDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.kick();
      this.timer = setTimeout(tick, this.deps.pollIntervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** New events were committed (or a retry may be due): look for work now. */
  kick(): void {
    if (this.stopped) return;
    for (const wake of this.wakers.values()) wake();
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    void this.scan().finally(() => {
      this.scanning = false;
      if (this.rescan) {
        this.rescan = false;
        this.kick();
      }
    });
  }

  /** Stops claiming and waits for pushes in flight (each bounded by the webhook timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const wake of this.wakers.values()) wake();
    await Promise.allSettled([...this.workers.values()]);
  }

  private async scan(): Promise<void> {
    try {
      const tenantIds = await deliveriesRepository.tenantsWithDueWork(this.deps.db, this.now());
      for (const tenantId of tenantIds) {
        if (this.workers.has(tenantId) || this.stopped) continue;
        const worker = this.runTenant(tenantId).then((wokenWhileEnding) => {
          this.workers.delete(tenantId);
          // Work committed between the worker's last empty claim and its exit must not wait for the poll.
          if (wokenWhileEnding) this.kick();
        });
        this.workers.set(tenantId, worker);
      }
    } catch (err) {
      this.deps.logger.error('dispatcher scan failed', { err });
    }
  }

  /** Resolves true when new work was signalled while the worker was ending. */
  private async runTenant(tenantId: string): Promise<boolean> {
    const { concurrencyPerTenant, timeoutMs } = this.deps;
    const leaseMs = timeoutMs * 2 + 5_000;
    let inFlight = 0;
    const signal = new Signal();
    this.wakers.set(tenantId, () => signal.notify());
    try {
      while (!this.stopped) {
        const free = concurrencyPerTenant - inFlight;
        let claimed: ClaimedDelivery[] = [];
        if (free > 0) {
          claimed = await deliveriesRepository.claim(this.deps.db, tenantId, this.owner, free, this.now(), leaseMs);
          if (claimed.length === 0 && inFlight === 0) break;
          const target = claimed.length > 0 ? await this.target(tenantId) : undefined;
          for (const delivery of claimed) {
            inFlight += 1;
            void this.deliver(delivery, target).finally(() => {
              inFlight -= 1;
              signal.notify();
            });
          }
          if (claimed.length === free) continue;
        }
        await signal.wait();
      }
    } catch (err) {
      this.deps.logger.error('dispatcher worker failed', { tenantId, err });
    } finally {
      this.wakers.delete(tenantId);
      while (inFlight > 0) await signal.wait();
    }
    return signal.isPending();
  }

  /** URL and signing secrets, checked once per claimed batch; undefined when the tenant cannot be pushed to. */
  private async target(tenantId: string): Promise<TenantTarget | { error: string }> {
    const row = await this.deps.db.tenant.findUnique({ where: { id: tenantId } });
    if (!row?.webhookUrl) return { error: 'tenant has no webhook URL' };
    try {
      await assertSafeWebhookUrl(row.webhookUrl);
    } catch (err) {
      return { error: `webhook URL refused: ${(err as Error).message}` };
    }
    return { url: row.webhookUrl, secrets: this.deps.tenants.signingSecrets(row) };
  }

  private async deliver(delivery: ClaimedDelivery, target: TenantTarget | { error: string } | undefined): Promise<void> {
    const { db, logger } = this.deps;
    try {
      const event = await db.event.findUnique({ where: { id: delivery.eventId } });
      if (!event) return;
      await runWithContext({ requestId: event.requestId ?? event.id, tenantId: event.tenantId }, async () => {
        const attempts = delivery.attempts + 1;
        const result =
          target && 'url' in target
            ? await this.push(target, toEnvelope(event), event.requestId ?? event.id)
            : { body: '', durationMs: 0, error: target?.error ?? 'no target' };
        const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
        if (ok) {
          await deliveriesRepository.recordAttempt(db, delivery.id, { httpStatus: result.status, durationMs: result.durationMs, response: result.body }, { status: 'delivered', attempts });
          return;
        }
        const lastError = result.error ?? `HTTP ${result.status}`;
        const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.retryAfter, this.now()) : undefined;
        const step = nextStep(this.deps.policy, attempts, retryAfter);
        const outcome =
          step.kind === 'dead'
            ? { status: 'dead' as const, attempts, lastError }
            : { status: 'pending' as const, attempts, lastError, nextAttemptAt: new Date(this.now() + step.delayMs) };
        await deliveriesRepository.recordAttempt(db, delivery.id, { httpStatus: result.status, durationMs: result.durationMs, response: result.body, error: result.error }, outcome);
        logger.warn(step.kind === 'dead' ? 'webhook delivery dead' : 'webhook delivery failed, will retry', {
          deliveryId: delivery.id,
          eventId: event.id,
          attempts,
          error: lastError,
        });
      });
    } catch (err) {
      // The lease will expire and the row will be claimed again: nothing is lost.
      logger.error('webhook delivery bookkeeping failed', { deliveryId: delivery.id, err });
    }
  }

  private push(target: TenantTarget, envelope: ReturnType<typeof toEnvelope>, requestId: string) {
    const body = JSON.stringify(envelope);
    const signed = signWebhook({ id: envelope.id, timestampSec: Math.floor(this.now() / 1000), body, secrets: target.secrets });
    const headers = { ...signed, 'content-type': 'application/json', 'x-request-id': requestId, 'user-agent': 'dingtalk-gateway-webhooks/1' };
    return this.deps.send(target.url, body, headers, this.deps.timeoutMs);
  }
}

/** A wake-up that is not lost when it fires before anyone waits. */
class Signal {
  private pending = false;
  private resolve?: () => void;

  isPending(): boolean {
    return this.pending;
  }

  notify(): void {
    this.pending = true;
    this.resolve?.();
  }

  async wait(): Promise<void> {
    if (!this.pending) await new Promise<void>((resolve) => (this.resolve = resolve));
    this.pending = false;
    this.resolve = undefined;
  }
}

// Pushes change events to subscription endpoints, the way the cloud's dispatcher pushes to local
// stores: a fan-out step turns new changes into delivery rows, then one worker per endpoint with
// due work claims rows with a lease (FOR UPDATE SKIP LOCKED: another store process on the same
// database takes other rows, never the same one), pushes at most `concurrency` at a time and
// records each attempt in batches. Unlike SQLite's, a Postgres claim is a network round trip: a
// worker claims twice its concurrency at once (with the events' bodies) and keeps the second half
// queued, so the endpoint never waits for the database; the lease covers the queue. A push that fails is retried on the shared schedule (jitter,
// Retry-After), then dead; a process that dies mid-push leaves leased rows that are claimed again
// when the lease runs out (so an endpoint may see an event twice: it deduplicates on webhook-id).
import { nextStep, parseRetryAfter, signWebhook, type PushResult, type RetryPolicy } from '@dtg/webhook-signing';
import { BatchWriter, KeyedWorkers, type Logger, type Signal } from '@dtg/service-kit';
import type { Sql } from '../../db/sql';
import { newId } from '../../shared/ids';
import { deliveriesRepository, type AttemptResult, type ClaimedDelivery, type PushableEvent } from './deliveries.repository';
import type { EndpointSender } from './endpoint-sender';
import { subscriptionsRepository, type SigningTarget } from './subscriptions.repository';

export interface SubscriptionDispatcherDeps {
  sql: Sql;
  tenantId: string;
  logger: Logger;
  send: EndpointSender;
  policy: RetryPolicy;
  timeoutMs: number;
  /** Pushes in flight per endpoint. */
  concurrency: number;
  pollIntervalMs: number;
}

/** A subscription's URL, status and secrets are reused this long. */
const TARGET_TTL_MS = 1_000;

export class SubscriptionDispatcher extends KeyedWorkers {
  private readonly owner = newId('sdp');
  private readonly targets = new Map<string, { target: SigningTarget | undefined; at: number }>();
  private readonly outcomes: BatchWriter<AttemptResult>;

  /** A worker per subscription with due work (KeyedWorkers); stop() waits for pushes in flight, each bounded by the timeout. */
  constructor(private readonly deps: SubscriptionDispatcherDeps) {
    super({ pollIntervalMs: deps.pollIntervalMs, onError: (err) => deps.logger.error('subscription dispatch scan failed', { err }) });
    this.outcomes = new BatchWriter((batch) => deliveriesRepository.record(deps.sql, this.owner, batch), {
      at: 200,
      everyMs: 10,
      onError: (err, count) =>
        deps.logger.error('recording subscription attempts failed; the leases will run out and the events will be pushed again', { count, err }),
    });
  }

  /** Each pass: fan new changes out to delivery rows, then the subscriptions with due work. */
  protected async due(): Promise<string[]> {
    const { sql, tenantId } = this.deps;
    while ((await deliveriesRepository.fanOut(sql, tenantId)).behind > 0 && !this.stopped);
    return deliveriesRepository.subscriptionsWithDueWork(sql, tenantId);
  }

  protected work(id: string, signal: Signal): Promise<boolean> {
    return this.runSubscription(id, signal);
  }

  /** stop() and drain() end once every attempt is recorded. */
  protected override settle(): Promise<void> {
    return this.outcomes.flush();
  }

  /** Resolves true when new work was signalled while the worker was ending. */
  private async runSubscription(id: string, signal: Signal): Promise<boolean> {
    const { concurrency, timeoutMs, sql, tenantId } = this.deps;
    // The queued half waits for at most one push of the half before it.
    const leaseMs = timeoutMs * 3 + 5_000;
    const queue: ClaimedDelivery[] = [];
    let inFlight = 0;
    let drained = false;
    try {
      while (!this.stopped) {
        const target = await this.target(id);
        // Deleted or paused: claim nothing more, hand back what is queued; pushes out finish and are recorded.
        if (!target || target.status !== 'active') {
          await deliveriesRepository.release(
            sql,
            this.owner,
            queue.splice(0).map((delivery) => delivery.id),
          );
          if (inFlight === 0) break;
        } else {
          if (queue.length < concurrency) {
            const claimed = await deliveriesRepository.claim(sql, tenantId, id, this.owner, 2 * concurrency - queue.length, leaseMs);
            queue.push(...claimed);
            drained = claimed.length === 0;
          }
          while (inFlight < concurrency && queue.length > 0) {
            const delivery = queue.shift() as ClaimedDelivery;
            inFlight += 1;
            // Not awaited: deliveries run side by side up to the slots; deliver() records every outcome.
            void this.deliver(id, delivery, target).finally(() => {
              inFlight -= 1;
              signal.notify();
            });
          }
          if (drained && inFlight === 0 && queue.length === 0) break;
        }
        await signal.wait();
      }
      await deliveriesRepository.release(
        sql,
        this.owner,
        queue.splice(0).map((delivery) => delivery.id),
      );
      while (inFlight > 0) await signal.wait();
      return signal.isPending();
    } catch (err) {
      this.deps.logger.error('subscription worker failed', { subscriptionId: id, err });
      while (inFlight > 0) await signal.wait();
      return true;
    }
  }

  /** Where and how to push, reused for TARGET_TTL_MS (a pause or a rotation applies within it). */
  private async target(id: string): Promise<SigningTarget | undefined> {
    const cached = this.targets.get(id);
    if (cached && Date.now() - cached.at < TARGET_TTL_MS) return cached.target;
    const target = await subscriptionsRepository.target(this.deps.sql, id);
    this.targets.set(id, { target, at: Date.now() });
    return target;
  }

  private async deliver(subscriptionId: string, delivery: ClaimedDelivery, target: SigningTarget): Promise<void> {
    const attempts = delivery.attempts + 1;
    const { event } = delivery;
    const result: PushResult = event ? await this.push(target, event) : { body: '', durationMs: 0, error: `change ${delivery.seq} is gone` };
    const attempt = { deliveryId: delivery.id, httpStatus: result.status, durationMs: result.durationMs, response: result.body, error: result.error };
    if (result.status !== undefined && result.status >= 200 && result.status < 300) {
      this.outcomes.add({ ...attempt, outcome: { status: 'delivered' } });
      return;
    }
    const lastError = result.error ?? `HTTP ${result.status}`;
    const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.retryAfter, Date.now()) : undefined;
    const step = nextStep(this.deps.policy, attempts, retryAfter);
    this.outcomes.add({
      ...attempt,
      outcome: step.kind === 'dead' ? { status: 'dead', lastError } : { status: 'pending', lastError, nextAttemptAt: new Date(Date.now() + step.delayMs) },
    });
    // The URL is the customer's own configuration, not a secret; the signature never is logged.
    this.deps.logger.warn(step.kind === 'dead' ? 'subscription delivery dead' : 'subscription delivery failed, will retry', {
      subscriptionId,
      seq: delivery.seq,
      attempts,
      error: lastError,
    });
  }

  private push(target: SigningTarget, event: PushableEvent): Promise<PushResult> {
    const signed = signWebhook({ id: event.eventId, timestampSec: Math.floor(Date.now() / 1000), body: event.body, secrets: target.secrets });
    const headers = { ...signed, 'content-type': 'application/json', 'user-agent': 'dingtalk-gateway-local-store/1' };
    return this.deps.send(target.url, event.body, headers, this.deps.timeoutMs);
  }
}

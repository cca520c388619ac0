import { randomAlnum } from '../core/ids';
import type { SimClock } from '../core/clock';
import { attemptPush, type AttemptResult, type CallbackTarget } from './callback-delivery';

export type CallbackTargetKind = 'app' | 'suite';

export interface Delivery {
  id: number;
  target: CallbackTargetKind;
  /** appKey or suiteKey whose callback settings sign the push. */
  sourceKey: string;
  /** The org the event is about / whose failed-result list it joins. */
  corpId?: string;
  ownerKey: string;
  event: Record<string, unknown>;
  createdAtMs: number;
  attempts: AttemptResult[];
  state: 'acknowledged' | 'retrying' | 'failed';
  nextAttemptAtMs?: number;
}

export interface PushSettings {
  timeoutMs: number;
  retryDelaysMs: number[];
}

/**
 * Encrypted HTTP event pushes with DingTalk's retry schedule on SIM time (retries at +10 s and
 * +30 s after the first attempt by default). Events that exhaust the schedule are kept for
 * `get_call_back_failed_result`.
 */
export class CallbackPusher {
  private deliveries: Delivery[] = [];
  private nextId = 1;
  /** Pushes on the wire, by delivery id. */
  private readonly inFlight = new Map<number, Promise<AttemptResult>>();

  constructor(
    private readonly clock: SimClock,
    private readonly settings: () => PushSettings,
  ) {}

  async push(
    target: CallbackTargetKind,
    sourceKey: string,
    to: CallbackTarget,
    event: Record<string, unknown>,
    corpId?: string,
  ): Promise<{ delivery: Delivery; first: AttemptResult }> {
    const delivery: Delivery = {
      id: this.nextId++,
      target,
      sourceKey,
      ...(corpId !== undefined ? { corpId } : {}),
      ownerKey: to.ownerKey,
      event,
      createdAtMs: this.clock.now(),
      attempts: [],
      state: 'retrying',
    };
    this.deliveries.push(delivery);
    const first = await this.attempt(delivery, to);
    return { delivery, first };
  }

  /** Runs every retry whose sim time has come; `resolve` maps a delivery to its current target. */
  runDue(resolve: (d: Delivery) => CallbackTarget | undefined): void {
    const now = this.clock.now();
    for (const d of this.deliveries) {
      if (d.state !== 'retrying' || d.nextAttemptAtMs === undefined || d.nextAttemptAtMs > now || this.inFlight.has(d.id)) continue;
      const to = resolve(d);
      // Retries run on their own; attemptPush turns a network failure into a recorded attempt, never a rejection.
      if (to) void this.attempt(d, to);
    }
  }

  list(): Delivery[] {
    return this.deliveries;
  }

  /**
   * Resolves once no push is on the wire. A sim-time change starts every retry it makes due at
   * once, so after `clock.advance()` this is the point where a retry that was not due has provably
   * not happened.
   */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Failed events of one owner, oldest first; returned ones are removed (DingTalk hands each out once). */
  takeFailed(sourceKey: string, corpId: string | undefined, max: number): { items: Delivery[]; hasMore: boolean } {
    const matching = this.deliveries.filter((d) => d.state === 'failed' && d.sourceKey === sourceKey && (corpId === undefined || d.corpId === corpId));
    const items = matching.slice(0, max);
    this.deliveries = this.deliveries.filter((d) => !items.includes(d));
    return { items, hasMore: matching.length > max };
  }

  private attempt(d: Delivery, to: CallbackTarget): Promise<AttemptResult> {
    const run = this.attemptOnce(d, to).finally(() => this.inFlight.delete(d.id));
    this.inFlight.set(d.id, run);
    return run;
  }

  private async attemptOnce(d: Delivery, to: CallbackTarget): Promise<AttemptResult> {
    const { timeoutMs, retryDelaysMs } = this.settings();
    const result = await attemptPush(to, d.event, this.clock.now(), timeoutMs, randomAlnum(16));
    d.attempts.push(result);
    const retryOffset = retryDelaysMs[d.attempts.length - 1];
    if (result.acknowledged) {
      d.state = 'acknowledged';
      delete d.nextAttemptAtMs;
    } else if (retryOffset !== undefined) {
      d.nextAttemptAtMs = d.createdAtMs + retryOffset;
    } else {
      d.state = 'failed';
      delete d.nextAttemptAtMs;
    }
    return result;
  }
}

import { Pump } from './pump';
import { Signal } from './signal';

export interface KeyedWorkersOptions {
  /** The keys (tenants, subscriptions) with work due now; asked once per pass of the pump. */
  due: () => Promise<Iterable<string>>;
  /**
   * One key's worker: works until nothing is left for it, waking on `signal` (a kick, or whatever
   * the worker notifies itself with). Resolves true when the signal fired while it was ending, so
   * work committed after its last empty claim gets a pass now rather than at the next poll.
   */
  work: (key: string, signal: Signal) => Promise<boolean>;
  pollIntervalMs: number;
  /** A failed pass, or a worker that failed instead of resolving. */
  onError: (err: unknown) => void;
}

/**
 * At most one worker per key, started by the passes of a Pump: the shape shared by the cloud's
 * webhook dispatcher (a worker per tenant) and the store's subscription dispatcher (a worker per
 * subscription). A kick wakes every running worker and asks for a pass that starts the missing ones.
 */
export class KeyedWorkers {
  private readonly workers = new Map<string, Promise<void>>();
  private readonly signals = new Map<string, Signal>();
  private readonly pump: Pump;

  constructor(private readonly options: KeyedWorkersOptions) {
    this.pump = new Pump(() => this.pass(), { pollIntervalMs: options.pollIntervalMs, onError: options.onError });
  }

  get running(): boolean {
    return this.pump.running;
  }

  start(): void {
    this.pump.start();
  }

  /** New work was committed (or a retry may be due): wake the workers and look for keys without one. */
  kick(): void {
    if (!this.running) return;
    for (const signal of this.signals.values()) signal.notify();
    this.pump.kick();
  }

  /** No new worker or pass starts; resolves once the pass and the workers in progress have ended. */
  async stop(): Promise<void> {
    this.pump.stop();
    for (const signal of this.signals.values()) signal.notify();
    await this.pump.idle();
    await Promise.allSettled([...this.workers.values()]);
  }

  /** Resolves once no pass and no worker runs: every key's work due now has been done. */
  async drain(): Promise<void> {
    this.kick();
    for (;;) {
      await this.pump.idle();
      if (this.workers.size === 0) return;
      await Promise.allSettled([...this.workers.values()]);
    }
  }

  private async pass(): Promise<void> {
    for (const key of await this.options.due()) {
      if (this.workers.has(key) || !this.running) continue;
      const signal = new Signal();
      this.signals.set(key, signal);
      const worker = this.options
        .work(key, signal)
        .catch((err: unknown) => {
          this.options.onError(err);
          return true;
        })
        .then((wokenWhileEnding) => {
          this.signals.delete(key);
          this.workers.delete(key);
          if (wokenWhileEnding) this.kick();
        });
      this.workers.set(key, worker);
    }
  }
}

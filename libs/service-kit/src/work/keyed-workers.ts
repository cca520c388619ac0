import { Pump } from './pump';
import { Signal } from './signal';

/**
 * At most one worker per key, started by the passes of a Pump: the shape shared by the cloud's
 * webhook dispatcher (a worker per tenant) and the store's subscription dispatcher (a worker per
 * subscription). A kick wakes every running worker and asks for a pass that starts the missing
 * ones. A subclass says which keys are due and what one key's worker does.
 */
export abstract class KeyedWorkers {
  private readonly workers = new Map<string, Promise<void>>();
  private readonly signals = new Map<string, Signal>();
  private readonly pump: Pump;

  constructor(private readonly options: { pollIntervalMs: number; onError: (err: unknown) => void }) {
    this.pump = new Pump(() => this.pass(), options);
  }

  /** The keys with work due now; asked once per pass. */
  protected abstract due(): Promise<Iterable<string>>;

  /**
   * One key's worker: works until nothing is left for it, waking on `signal` (a kick, or whatever
   * the worker notifies itself with). Resolves true when the signal fired while it was ending, so
   * work committed after its last empty claim gets a pass now rather than at the next poll.
   */
  protected abstract work(key: string, signal: Signal): Promise<boolean>;

  /** What stop() and drain() end with once no worker runs (e.g. writing buffered results). */
  protected async settle(): Promise<void> {}

  protected get stopped(): boolean {
    return !this.pump.running;
  }

  start(): void {
    this.pump.start();
  }

  /** New work was committed (or a retry may be due): wake the workers and look for keys without one. */
  kick(): void {
    if (this.stopped) return;
    for (const signal of this.signals.values()) signal.notify();
    this.pump.kick();
  }

  /** Stops starting work; resolves once the pass and the workers in progress have ended and settled. */
  async stop(): Promise<void> {
    this.pump.stop();
    for (const signal of this.signals.values()) signal.notify();
    await this.pump.idle();
    await Promise.allSettled([...this.workers.values()]);
    await this.settle();
  }

  /**
   * Resolves once every key's work due now is done and settled: no pass, no worker. For tests and
   * drills that assert on what the workers left behind.
   */
  async drain(): Promise<void> {
    this.kick();
    for (;;) {
      await this.pump.idle();
      if (this.workers.size === 0) break;
      await Promise.allSettled([...this.workers.values()]);
    }
    await this.settle();
  }

  private async pass(): Promise<void> {
    for (const key of await this.due()) {
      if (this.workers.has(key) || this.stopped) continue;
      const signal = new Signal();
      this.signals.set(key, signal);
      const worker = this.work(key, signal)
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

/**
 * The loop behind each background worker (the cloud's job runner and webhook dispatcher, the store's
 * subscription dispatcher): one pass at a time looks for work; `kick()` starts a pass now, or one
 * more after the pass in progress, so a wake-up that arrives mid-pass is never lost and many of them
 * cost one extra pass. A poll kicks every `pollIntervalMs` for work nobody woke it for (a retry
 * coming due, another process's write).
 */
export class Pump {
  private pass?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly options: { pollIntervalMs: number; onError: (err: unknown) => void },
  ) {}

  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.kick();
      this.timer = setTimeout(tick, this.options.pollIntervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** No pass starts after this; one in progress finishes (see idle). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.work()
      .catch(this.options.onError)
      .finally(() => {
        this.pass = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once no pass runs and none is owed (a kick during the wait is waited for too). */
  async idle(): Promise<void> {
    while (this.pass) await this.pass;
  }
}

/**
 * A wake-up that is not lost when it fires before anyone waits: a worker loop awaits `wait()`, and
 * whatever finishes (a push, a new commit) calls `notify()`. Several notifies before a wait count once.
 */
export class Signal {
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

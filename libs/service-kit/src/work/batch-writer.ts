/**
 * Buffers results and writes them in batches: at once when `at` are waiting, else `everyMs` after
 * the first. Per-row bookkeeping, not the work itself, is what limits a delivery worker's throughput.
 * Writes run one after another in order; a failed write goes to `onError` and is not retried here
 * (the callers' leases run out and the work is done again), so `flush()` never rejects.
 */
export class BatchWriter<T> {
  private items: T[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly options: { at: number; everyMs: number; onError: (err: unknown, count: number) => void },
  ) {}

  add(item: T): void {
    this.items.push(item);
    // Not awaited: the batch is written behind the work; flush() reports a failed write and never rejects.
    if (this.items.length >= this.options.at) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.everyMs);
  }

  /** Writes what is buffered; resolves once it and every earlier batch are written (or reported). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.items;
    this.items = [];
    this.writing = this.writing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.write(batch);
      } catch (err) {
        this.options.onError(err, batch.length);
      }
    });
    return this.writing;
  }
}

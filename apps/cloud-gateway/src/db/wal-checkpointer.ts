// Checkpoints off the event loop. In WAL mode SQLite folds the log back into the database file with
// a checkpoint, and by default the connection that commits runs it (every 1,000 pages), inside
// COMMIT: the page copies and the fsync after them ran on the event loop and made the cloud's
// commits about twice as expensive, with its worst latencies there. Here a worker thread with a
// connection of its own checkpoints every `intervalMs`. PASSIVE never waits for a lock and never
// blocks a writer or a reader; what it cannot copy yet (a reader still needs it) it copies next time.
// The main connection keeps SQLite's own checkpoint only as a backstop at a larger size, in case
// the worker falls behind or is gone.
import { Worker } from 'node:worker_threads';

/** The backstop on the main connection, in WAL pages (40 MB): SQLite's default is 1,000. */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000;
/** The WAL file is cut back to this after a checkpoint that let it restart (it never shrinks otherwise). */
export const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

// CommonJS evaluated in the worker (eval: true), so the bundle needs no second entry point. The
// driver's path comes from the main thread, which resolved it the way the app resolves it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message) }); }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Stops the worker and closes its connection; the main connection's close then checkpoints what is left. */
  stop(): Promise<void>;
}

export function startWalCheckpointer(file: string, options: { intervalMs: number; onError?: (message: string) => void }): WalCheckpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), file, intervalMs: options.intervalMs } });
  // Never what keeps the process alive: a process that is done exits, and SQLite's close checkpoints.
  worker.unref();
  worker.on('message', (message: { error?: string }) => {
    if (message.error) options.onError?.(message.error);
  });
  worker.on('error', (err) => options.onError?.(err.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  return {
    stop() {
      // Held again while it stops: a process awaiting this with nothing else to do would otherwise exit
      // before the worker's exit event, leaving the await (and whatever was to follow it) undone.
      if (!stopping) {
        worker.ref();
        worker.postMessage('stop');
      }
      stopping = true;
      return exited;
    },
  };
}

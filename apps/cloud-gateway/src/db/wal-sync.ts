// Durable commits without stalling the event loop. Every commit runs with synchronous=NORMAL: SQLite
// has written its frames to the WAL file but not flushed them, so a crash of the process loses
// nothing and a power loss may lose the last commits. A durable write (WriteOptions.durable) must
// survive a power loss too; synchronous=FULL would flush the WAL inside COMMIT, on the event loop,
// where each fsync (~1–2 ms) held up every request: the dispatcher's durable chunk claims alone were
// 3–4 % of the cloud's time under the send benchmark. Here the same fsync of the WAL file runs on
// libuv's thread pool after COMMIT, and the durable write resolves once it has: what the caller does
// next (call DingTalk) happens only after the commit is on disk, as with FULL.
// Linux flushes a file's dirty pages whichever descriptor fsync is called on, so a descriptor of our
// own covers the frames SQLite wrote through its one. It is opened by path for each flush: a
// descriptor kept open would go on flushing the old file if the WAL were ever removed and made again.
import { open } from 'node:fs/promises';

export interface FileSync {
  /** Resolves once everything written to the file before the call is on disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export function walSync(walPath: string): FileSync {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const flushOnce = async () => {
    const handle = await open(walPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
  const start = (): Promise<void> => {
    running = flushOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    sync() {
      if (!running) return start();
      // The flush under way may have started before the caller's commit: everyone who asks while it
      // runs shares the one after it.
      next ??= running
        .catch(() => undefined)
        .then(() => {
          next = undefined;
          return start();
        });
      return next;
    },
    async close() {
      await running?.catch(() => undefined);
      await next?.catch(() => undefined);
    },
  };
}

// Pull-based catch-up: at start, on a timer and whenever a gap is noticed, fetch every event after
// the cursor and feed it to the same apply path as push. This is what makes delivery lossless
// even in push mode (a lost or dead-lettered push is picked up here).
import type { Logger } from '@dtg/service-kit';
import { CloudRequestError, type CloudClient, type RawEventsPage } from '../../cloud/cloud-client';
import type { EventIngest, PreparedPage } from '../events/event-ingest.service';
import type { CursorTracker } from './cursor-tracker';

export const PAGE_SIZE = 500;
const PAGES_IN_FLIGHT = 2;

export interface CatchUpWorker {
  start(): void;
  /**
   * Pull as soon as possible. While a run is pulling this does nothing: that run pulls to the end,
   * and the cursor advance after its last page re-arms the gap watch if a gap is left.
   */
  trigger(): void;
  /** Runs one catch-up to the end now; resolves when caught up, rejects if the cloud failed. */
  runOnce(): Promise<void>;
  /** Stops the timer and waits for a run in progress to finish its current page. */
  stop(): Promise<void>;
}

/**
 * Marks a promise that is awaited later (after other awaits) as handled, so a rejection in the
 * meantime is not an unhandled rejection; whoever awaits it still gets the error.
 */
function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

interface FetchedPage {
  page: RawEventsPage;
  prepared: PreparedPage;
}

export interface CatchUpOptions {
  cloud: CloudClient;
  ingest: EventIngest;
  tracker: CursorTracker;
  logger: Logger;
  intervalMs: number;
  /** Told the cloud's newest seq from each page (the lag metric). */
  onCloudSeq?: (seq: number) => void;
  /**
   * Upper bound of the backoff while the cloud keeps failing. Default 15000 ms: a pull-only store
   * must notice the cloud is back within seconds, and one failed GET every 15 s costs nothing.
   */
  maxBackoffMs?: number;
}

export function createCatchUpWorker(options: CatchUpOptions): CatchUpWorker {
  const { logger } = options;
  const maxBackoffMs = options.maxBackoffMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let rerun = false;
  let failures = 0;
  let started = false;
  let stopped = false;

  // While one page is written, the next is fetched and validated, and up to PAGES_IN_FLIGHT pages
  // are written concurrently (separate transactions): versions make their order irrelevant and the
  // cursor only moves over contiguous settled seqs, so this is safe and keeps both CPU and database busy.
  const fetchPage = (after: number): Promise<FetchedPage> =>
    options.cloud.fetchEvents(after, PAGE_SIZE).then((page) => {
      options.onCloudSeq?.(page.lastSeq ?? page.next);
      return { page, prepared: options.ingest.preparePulled(page.events) };
    });

  const applyPage = async (prepared: PreparedPage, after: number, next: number): Promise<void> => {
    const summary = await options.ingest.ingestPrepared(prepared);
    logger.debug('pulled page', { after, next, ...summary });
    await options.tracker.advance();
  };

  const pullToEnd = async (): Promise<void> => {
    let after = await options.tracker.advance();
    let next: Promise<FetchedPage> | undefined = awaitedLater(fetchPage(after));
    const applying: Promise<void>[] = [];
    try {
      while (next) {
        const { page, prepared }: FetchedPage = await next;
        const full: boolean = page.events.length >= PAGE_SIZE && page.next > after;
        next = full && !stopped ? awaitedLater(fetchPage(page.next)) : undefined;
        if (page.events.length > 0) applying.push(awaitedLater(applyPage(prepared, after, page.next)));
        if (applying.length >= PAGES_IN_FLIGHT) await applying.shift();
        after = page.next;
      }
      await Promise.all(applying);
    } finally {
      // After a failure the other writes still finish (each is valid on its own) before the run ends.
      await Promise.allSettled(applying);
    }
  };

  /** Rejects on failure (for runOnce); the failure is logged here once. */
  const run = (): Promise<void> => {
    if (running) {
      rerun = true;
      return running;
    }
    clearTimeout(timer);
    running = pullToEnd()
      .then(() => {
        if (failures > 0) logger.info('catch-up recovered', { failures });
        failures = 0;
      })
      .catch((error: unknown) => {
        failures += 1;
        // An unreachable cloud is an expected condition: one line, no stack. Anything else (the
        // database down, a bug) is logged in full.
        if (error instanceof CloudRequestError) logger.warn('catch-up failed; will retry', { failures, reason: error.message });
        else logger.error('catch-up failed; will retry', { failures, err: error });
        throw error;
      })
      .finally(() => {
        running = undefined;
        if (stopped) return;
        if (rerun) {
          rerun = false;
          runInBackground();
        } else {
          schedule();
        }
      });
    return running;
  };

  // run() has already logged a failure; the timer is the retry.
  const runInBackground = (): void => {
    run().catch(() => undefined);
  };

  const schedule = (): void => {
    if (!started || stopped) return;
    const delay = failures === 0 ? options.intervalMs : Math.min(options.intervalMs * 2 ** failures, Math.max(maxBackoffMs, options.intervalMs));
    timer = setTimeout(runInBackground, delay);
  };

  return {
    start() {
      if (started) return;
      started = true;
      runInBackground();
    },
    trigger() {
      // A gap seen while pages of this run are still being written (they are written two at a time,
      // so a later page can settle first) is the run's own to fill; a second run would only re-read.
      if (!stopped && !running) runInBackground();
    },
    runOnce: () => run(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

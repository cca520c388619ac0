// Waiting for SQLite's write lock without blocking the event loop. SQLite's own busy handler
// (busy_timeout) sleeps inside the call, on the event loop: with another process holding the lock
// (the admin CLI, a backup, an operator's sqlite3 shell) every request stalled behind it, /healthz
// included. So the connection's busy timeout is short, and a statement that still finds the
// database locked is tried again after an asynchronous backoff, until a deadline: then the caller
// gets `database_busy` (503 with Retry-After) and nothing was written.
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@dtg/service-kit';

/** SQLite's own wait per attempt, in ms: rides out another process's typical commit without an async hop. */
export const BUSY_TIMEOUT_MS = 5;
/** What a client of a refused request is told to wait, in seconds. */
const RETRY_AFTER_S = 1;

export interface LockWaitObserver {
  /** A statement started waiting for the lock (once per wait, not per attempt). */
  waiting(): void;
  /** It stopped waiting: it got the lock (`acquired`), or gave up at its deadline. */
  done(outcome: 'acquired' | 'gave_up'): void;
}

export const NO_OBSERVER: LockWaitObserver = { waiting: () => undefined, done: () => undefined };

/** SQLITE_BUSY in any of its forms: from better-sqlite3 directly, or wrapped by Prisma's adapter. */
export function isBusy(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, cause } = err as { code?: unknown; cause?: { originalCode?: unknown } };
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return true;
  return typeof cause?.originalCode === 'string' && cause.originalCode.startsWith('SQLITE_BUSY');
}

export function databaseBusy(): AppError {
  return new AppError('database_busy', 'The database is busy: another process holds its write lock. Nothing was written; retry shortly.', {
    headers: { 'Retry-After': String(RETRY_AFTER_S) },
  });
}

/** 2, 4, 8 … 100 ms, with jitter so waiters do not retry in step. */
export function backoffMs(attempt: number): number {
  const base = Math.min(100, 2 ** (attempt + 1));
  return base / 2 + Math.random() * (base / 2);
}

/**
 * Runs `attempt` until it does not fail with SQLITE_BUSY, waiting asynchronously in between, or
 * throws `database_busy` once `deadline` (epoch ms) has passed.
 */
export async function retryWhileBusy<T>(attempt: () => T | Promise<T>, deadline: number, observer: LockWaitObserver = NO_OBSERVER): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      const result = await attempt();
      if (tries > 0) observer.done('acquired');
      return result;
    } catch (err) {
      if (!isBusy(err)) {
        if (tries > 0) observer.done('acquired');
        throw err;
      }
      if (tries === 0) observer.waiting();
      if (Date.now() >= deadline) {
        observer.done('gave_up');
        throw databaseBusy();
      }
      await sleep(backoffMs(tries));
    }
  }
}

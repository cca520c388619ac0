// How often, and by how many statements at once, the cloud waits for another process's SQLite
// write lock: an operator sees a backup or a CLI holding it before clients see 503s.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LockWaitObserver } from './lock-wait';

export interface LockWaitCounts extends LockWaitObserver {
  current(): number;
  finished(): { acquired: number; gave_up: number };
}

export function lockWaitCounts(): LockWaitCounts {
  let current = 0;
  const finished = { acquired: 0, gave_up: 0 };
  return {
    waiting: () => void (current += 1),
    done: (outcome) => {
      current -= 1;
      finished[outcome] += 1;
    },
    current: () => current,
    finished: () => ({ ...finished }),
  };
}

export function registerLockWaitMetrics(registry: Registry, counts: LockWaitCounts): void {
  new Gauge({
    name: 'cloud_db_lock_waiters',
    help: 'Statements waiting now for another process to release the SQLite write lock',
    registers: [registry],
    collect() {
      this.set(counts.current());
    },
  });
  new Counter({
    name: 'cloud_db_lock_waits_total',
    help: 'Waits for the SQLite write lock, by outcome (acquired, or gave_up: answered database_busy / retried later)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const finished = counts.finished();
      this.reset();
      for (const [outcome, n] of Object.entries(finished)) this.inc({ outcome }, n);
    },
  });
}

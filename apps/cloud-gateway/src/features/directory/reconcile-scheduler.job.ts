// Scheduled full directory reconciles: contact callbacks (HTTP or Stream) can be lost, so every
// active tenant's directory is walked again on a schedule (default nightly), with the same diffing
// walk as POST /v1/directory/sync (full: people no longer in DingTalk are removed). One
// self-rescheduling job checks which tenants are due; each reconcile is an ordinary directory sync
// job, whose walk gives its runner slot back after every step (directory-sync.job.ts), so a walk
// never holds up another tenant's sends.
import type { Logger } from '@dtg/service-kit';
import { at, type SqlDatabase } from '../../db/prisma';
import type { JobResult } from '../jobs/job-runner';
import type { DirectoryService } from './directory.service';
import { nextSlotMs, tenantOffsetMs } from './reconcile-slots';

export const RECONCILE_SCHEDULER_JOB = 'directory.reconcile-scheduler';
/** One row for the whole deployment, found again after a restart. */
export const SCHEDULER_JOB_ID = 'job_directory_reconcile_scheduler';
/** The scheduler looks again at least this often (and when the next tenant is due, if sooner). */
const MAX_CHECK_MS = 60_000;
const MIN_CHECK_MS = 1000;

export interface ReconcileSchedulerDeps {
  sqldb: SqlDatabase;
  directory: DirectoryService;
  /** Deployment default; 0 = off for every tenant (the off-switch). */
  defaultIntervalMs: number;
  atMsOfDay: number;
  logger: Logger;
  now: () => number;
}

export function reconcileScheduler(deps: ReconcileSchedulerDeps) {
  const { sqldb, logger } = deps;
  const setNext = (tenantId: string, next: number | null, now: number) =>
    sqldb.write((tx) => tx.run('UPDATE "Tenant" SET "nextReconcileAt" = ?, "updatedAt" = ? WHERE id = ?', at(next), new Date(now), tenantId));

  /** A tenant's interval: its own (0 = off) or the default; nothing when the deployment switched it off. */
  const intervalOf = (own: number | null): number => (deps.defaultIntervalMs === 0 ? 0 : (own ?? deps.defaultIntervalMs));

  return {
    async run(): Promise<JobResult> {
      const now = deps.now();
      let soonest = now + MAX_CHECK_MS;
      const tenants = await sqldb.read((sql) =>
        sql.all<{ id: string; reconcileIntervalMs: number | null; nextReconcileAt: number | null }>(
          `SELECT id, "reconcileIntervalMs", "nextReconcileAt" FROM "Tenant" WHERE status = 'active'`,
        ),
      );
      for (const t of tenants) {
        const nextAt = t.nextReconcileAt === null ? null : Number(t.nextReconcileAt);
        const interval = intervalOf(t.reconcileIntervalMs);
        if (interval <= 0) {
          if (nextAt !== null) await setNext(t.id, null, now);
          continue;
        }
        const due = nextAt !== null && nextAt <= now;
        if (due) {
          const sync = await deps.directory.start(t.id, { full: true });
          logger.info('scheduled directory reconcile started', { tenantId: t.id, syncId: sync.id });
        }
        // A new tenant (or a changed interval) waits for its first slot rather than walking at once.
        const next = due || nextAt === null ? nextSlotMs(now, interval, deps.atMsOfDay, tenantOffsetMs(t.id, interval)) : nextAt;
        if (next !== nextAt) await setNext(t.id, next, now);
        soonest = Math.min(soonest, next);
      }
      return { runAgainInMs: Math.min(MAX_CHECK_MS, Math.max(MIN_CHECK_MS, soonest - now)) };
    },
  };
}

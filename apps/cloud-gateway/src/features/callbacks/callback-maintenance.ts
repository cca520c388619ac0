// Housekeeping that must run even when no callback arrives (that silence is what the suite_ticket
// alarm is about): a self-rescheduling job that prunes the replay cache and old events.
import type { Logger } from '@dtg/service-kit';
import type { Db } from '../../db/prisma';
import type { JobResult } from '../jobs/job-runner';
import type { SuiteTicketAlarm } from '../dingtalk/suite-ticket-alarm';
import { callbackEventsRepository } from './callback-events.repository';

export const MAINTENANCE_JOB = 'callbacks.maintenance';
/** One row for the whole deployment, found again after a restart. */
const MAINTENANCE_JOB_ID = 'job_callbacks_maintenance';
/** Finished events are kept this long to recognise late redeliveries (DingTalk's own retries end within minutes). */
export const FINISHED_EVENT_RETENTION_MS = 7 * 24 * 3600_000;

export interface CallbackMaintenanceDeps {
  db: Db;
  intervalMs: number;
  ticketAlarm?: SuiteTicketAlarm;
  logger: Logger;
  now: () => number;
}

export function callbackMaintenance(deps: CallbackMaintenanceDeps) {
  const { db } = deps;
  return {
    async run(): Promise<JobResult> {
      const now = deps.now();
      const pruned = await callbackEventsRepository.prune(db, new Date(now), new Date(now - FINISHED_EVENT_RETENTION_MS));
      if (pruned.nonces + pruned.events > 0) deps.logger.debug('pruned callback bookkeeping', pruned);
      await deps.ticketAlarm?.check();
      return { runAgainInMs: deps.intervalMs };
    },

    /** At start-up: make sure the job exists and is runnable (one that failed for good is revived). */
    async schedule(): Promise<void> {
      const runAt = new Date(deps.now());
      await db.job.upsert({ where: { id: MAINTENANCE_JOB_ID }, create: { id: MAINTENANCE_JOB_ID, kind: MAINTENANCE_JOB, payload: '{}', runAt }, update: {} });
      await db.job.updateMany({ where: { id: MAINTENANCE_JOB_ID, status: { in: ['failed', 'done'] } }, data: { status: 'queued', attempts: 0, runAt } });
    },
  };
}

// Housekeeping that must run even when no callback arrives (that silence is what the suite_ticket
// alarm is about): a self-rescheduling job that prunes the replay cache and old events.
import type { Logger } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { JobResult } from '../jobs/job-runner';
import type { SuiteTicketAlarm } from '../dingtalk/suite-ticket-alarm';
import { callbackEventsRepository } from './callback-events.repository';

export const MAINTENANCE_JOB = 'callbacks.maintenance';
/** One row for the whole deployment, found again after a restart. */
export const MAINTENANCE_JOB_ID = 'job_callbacks_maintenance';
/** Finished events are kept this long to recognise late redeliveries (DingTalk's own retries end within minutes). */
export const FINISHED_EVENT_RETENTION_MS = 7 * 24 * 3600_000;

export interface CallbackMaintenanceDeps {
  sqldb: SqlDatabase;
  intervalMs: number;
  ticketAlarm?: SuiteTicketAlarm;
  logger: Logger;
  now: () => number;
}

export function callbackMaintenance(deps: CallbackMaintenanceDeps) {
  const { sqldb } = deps;
  return {
    async run(): Promise<JobResult> {
      const now = deps.now();
      const pruned = await sqldb.write(async (tx) => callbackEventsRepository.prune(tx, new Date(now), new Date(now - FINISHED_EVENT_RETENTION_MS)));
      if (pruned.nonces + pruned.events > 0) deps.logger.debug('pruned callback bookkeeping', pruned);
      await deps.ticketAlarm?.check();
      return { runAgainInMs: deps.intervalMs };
    },
  };
}

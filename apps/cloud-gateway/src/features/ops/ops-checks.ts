// The periodic side of operational events: a push is retried ever more rarely (hours apart near the
// end of the schedule), so an endpoint that has failed long enough is also found by this check,
// not only when its next attempt fails. One self-rescheduling job for the whole deployment.
import type { Db } from '../../db/prisma';
import type { EndpointHealth } from '../delivery/endpoint-health';
import type { JobResult } from '../jobs/job-runner';

export const OPS_CHECK_JOB = 'ops.check';
/** One row for the whole deployment, found again after a restart. */
const OPS_CHECK_JOB_ID = 'job_ops_check';

export function opsChecks(deps: { db: Db; health: EndpointHealth; intervalMs: number; now: () => number }) {
  const { db } = deps;
  return {
    async run(): Promise<JobResult> {
      await deps.health.disableOverdue();
      return { runAgainInMs: deps.intervalMs };
    },

    /** At start-up: make sure the job exists and is runnable (one that failed for good is revived). */
    async schedule(): Promise<void> {
      const runAt = new Date(deps.now());
      await db.job.upsert({ where: { id: OPS_CHECK_JOB_ID }, create: { id: OPS_CHECK_JOB_ID, kind: OPS_CHECK_JOB, payload: '{}', runAt }, update: {} });
      await db.job.updateMany({ where: { id: OPS_CHECK_JOB_ID, status: { in: ['failed', 'done'] } }, data: { status: 'queued', attempts: 0, runAt } });
    },
  };
}

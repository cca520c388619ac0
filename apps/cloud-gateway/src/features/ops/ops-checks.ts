// The periodic side of operational events: a push is retried ever more rarely (hours apart near the
// end of the schedule), so an endpoint that has failed long enough is also found by this check,
// not only when its next attempt fails. One self-rescheduling job for the whole deployment.
import type { EndpointHealth } from '../delivery/endpoint-health';
import type { JobResult } from '../jobs/job-runner';

export const OPS_CHECK_JOB = 'ops.check';
/** One row for the whole deployment, found again after a restart. */
export const OPS_CHECK_JOB_ID = 'job_ops_check';

export function opsChecks(deps: { health: EndpointHealth; intervalMs: number }) {
  return {
    async run(): Promise<JobResult> {
      await deps.health.disableOverdue();
      return { runAgainInMs: deps.intervalMs };
    },
  };
}

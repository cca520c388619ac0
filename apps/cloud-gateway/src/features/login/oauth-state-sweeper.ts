// Every sign-in start writes an OAuthState row; a start that is never finished leaves it behind.
// A self-rescheduling job deletes rows past their retention, so the table stays bounded however
// many starts arrive (the rate limit bounds how fast) — pruning only when a new row is written
// would leave them all in place the moment sign-ins stop.
import type { Logger } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { JobResult } from '../jobs/job-runner';
import { STATE_RETENTION_MS } from './oauth-states.repository';

export const OAUTH_STATE_SWEEP_JOB = 'login.sweep-states';
/** One row for the whole deployment, found again after a restart. */
export const OAUTH_STATE_SWEEP_JOB_ID = 'job_login_sweep_states';
const SWEEP_EVERY_MS = 10 * 60_000;

export function oauthStateSweeper(deps: { sqldb: SqlDatabase; logger: Logger; now: () => number }) {
  const { sqldb } = deps;
  return {
    async run(): Promise<JobResult> {
      const { changes: count } = await sqldb.write((tx) => tx.run('DELETE FROM "OAuthState" WHERE "expiresAt" < ?', new Date(deps.now() - STATE_RETENTION_MS)));
      if (count > 0) deps.logger.debug('swept expired OAuth states', { count });
      return { runAgainInMs: SWEEP_EVERY_MS };
    },
  };
}

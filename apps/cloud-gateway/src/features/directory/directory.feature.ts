// Directory sync as the composition root sees it: its durable job and the reconcile scheduler are
// registered on the runner here.
import type { JobRunner } from '../jobs/job-runner';
import { DIRECTORY_SYNC_JOB, directorySyncJob, type DirectorySyncJobDeps } from './directory-sync.job';
import { directoryService } from './directory.service';
import { RECONCILE_SCHEDULER_JOB, reconcileScheduler, SCHEDULER_JOB_ID } from './reconcile-scheduler.job';

/** The sync job's deps, and what the scheduler needs; the clock is optional here. */
export interface DirectoryFeatureDeps extends Omit<DirectorySyncJobDeps, 'now'> {
  jobs: JobRunner;
  reconcile: { defaultIntervalMs: number; atMsOfDay: number };
  now?: () => number;
}

export function createDirectory(deps: DirectoryFeatureDeps) {
  const now = deps.now ?? Date.now;
  deps.jobs.register(DIRECTORY_SYNC_JOB, directorySyncJob({ ...deps, now }));
  const service = directoryService({ sqldb: deps.sqldb, jobs: deps.jobs, now });
  const scheduler = reconcileScheduler({ sqldb: deps.sqldb, directory: service, ...deps.reconcile, logger: deps.logger, now });
  deps.jobs.register(RECONCILE_SCHEDULER_JOB, () => scheduler.run());
  return {
    ...service,
    scheduleReconciles: () => deps.jobs.schedule(RECONCILE_SCHEDULER_JOB, SCHEDULER_JOB_ID),
    /** Tenants changed: the scheduler looks at once (also when a pass that may have missed the change is running). */
    wakeReconciles: () => deps.jobs.runSoon(SCHEDULER_JOB_ID),
  };
}

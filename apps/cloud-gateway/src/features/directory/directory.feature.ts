// Directory sync as the composition root sees it: its durable job is registered on the runner here.
import type { Logger } from '@dtg/service-kit';
import type { Db } from '../../db/prisma';
import type { DingTalk } from '../dingtalk/org-clients';
import type { JobRunner } from '../jobs/job-runner';
import type { Outbox } from '../outbox/outbox';
import type { TenantsService } from '../tenants/tenants.service';
import { DIRECTORY_SYNC_JOB, directorySyncJob } from './directory-sync.job';
import { directoryService } from './directory.service';

export interface DirectoryFeatureDeps {
  db: Db;
  outbox: Outbox;
  dingtalk: DingTalk;
  tenants: TenantsService;
  jobs: JobRunner;
  logger: Logger;
  now?: () => number;
}

export function createDirectory(deps: DirectoryFeatureDeps) {
  const now = deps.now ?? Date.now;
  deps.jobs.register(DIRECTORY_SYNC_JOB, directorySyncJob({ ...deps, now }));
  return directoryService({ db: deps.db, jobs: deps.jobs, now });
}

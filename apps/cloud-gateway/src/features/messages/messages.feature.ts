// The work-notification feature as the composition root sees it: its two durable jobs are
// registered on the runner here, and the routes get the two services.
import type { Logger } from '@dtg/service-kit';
import type { CloudConfig } from '../../config';
import type { SqliteConnection } from '../../db/prisma';
import type { DingTalk } from '../dingtalk/org-clients';
import type { JobRunner } from '../jobs/job-runner';
import type { Outbox } from '../outbox/outbox';
import type { Tenant } from '../tenants/tenant';
import { dispatchJob } from './dispatch.job';
import { messageRecallService } from './message-recall.service';
import { DISPATCH_JOB, RECEIPTS_JOB } from './message-jobs';
import { messageSettings } from './message-settings';
import type { MessagesDeps } from './messages.deps';
import { messagesService } from './messages.service';
import { receiptsJob } from './receipts.job';

export interface MessagesFeatureDeps {
  config: CloudConfig;
  sqlite: SqliteConnection;
  outbox: Outbox;
  jobs: JobRunner;
  dingtalk: DingTalk;
  tenants: { get(id: string): Promise<Tenant> };
  logger: Logger;
  now?: () => number;
}

export function createMessages(input: MessagesFeatureDeps) {
  const { config, ...rest } = input;
  const deps: MessagesDeps = { ...rest, settings: messageSettings(config), now: input.now ?? Date.now };
  deps.jobs.register(DISPATCH_JOB, dispatchJob(deps));
  deps.jobs.register(RECEIPTS_JOB, receiptsJob(deps));
  return { service: messagesService(deps), recalls: messageRecallService(deps), settings: deps.settings };
}

export type MessagesFeature = ReturnType<typeof createMessages>;

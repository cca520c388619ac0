import type { Logger } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { CallUsage } from '../dingtalk/call-budget';
import type { DingTalk } from '../dingtalk/org-clients';
import type { JobRunner } from '../jobs/job-runner';
import type { Outbox } from '../outbox/outbox';
import type { Tenant } from '../tenants/tenant';
import type { MessageSettings } from './message-settings';

/** What the messages feature needs from the composition root. */
export interface MessagesDeps {
  /** Every message, recipient and chunk is read and written as direct SQL (messages.repository.ts). */
  sqldb: SqlDatabase;
  outbox: Outbox;
  jobs: JobRunner;
  dingtalk: DingTalk;
  tenants: { get(id: string): Promise<Tenant> };
  /** The org's DingTalk calls this month: receipt polling stops once its budget is spent. */
  callBudget: { usage(tenant: Tenant): Promise<CallUsage> };
  logger: Logger;
  settings: MessageSettings;
  /** Business clock (epoch ms): quota days, poll schedules, the 24 h windows. */
  now: () => number;
}

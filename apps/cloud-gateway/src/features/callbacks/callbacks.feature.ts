// Wires the callback feature (and the suite handling it feeds) from the cloud's services: the inbox
// the routes use, the processing job, and the housekeeping job.
import type { Logger } from '@dtg/service-kit';
import type { CloudConfig } from '../../config';
import type { SqlDatabase } from '../../db/prisma';
import type { SecretBox } from '../../shared/secret-box';
import type { UserTokenRevocations } from '../auth/user-token-revocations';
import type { DingTalk } from '../dingtalk/org-clients';
import type { JobRunner } from '../jobs/job-runner';
import type { OpsWebhooks } from '../ops/ops-webhooks';
import type { Outbox } from '../outbox/outbox';
import { isvTenants } from '../tenants/isv-tenants.service';
import { suiteEvents } from './suite-events.service';
import { suiteTicketAlarm } from '../dingtalk/suite-ticket-alarm';
import { suiteTicketIntake } from '../dingtalk/suite-ticket-intake';
import { tenantsRepository } from '../tenants/tenants.repository';
import type { TenantsService } from '../tenants/tenants.service';
import { CALLBACK_JOB, callbackInbox } from './callback-inbox.service';
import { callbackMaintenance, MAINTENANCE_JOB, MAINTENANCE_JOB_ID } from './callback-maintenance';
import { callbackProcessor } from './callback-processor';
import { contactEvents } from './contact-events.service';

export interface CallbacksDeps {
  config: CloudConfig;
  logger: Logger;
  sqldb: SqlDatabase;
  secrets: SecretBox;
  outbox: Outbox;
  revocations: UserTokenRevocations;
  jobs: JobRunner;
  dingtalk: DingTalk;
  tenants: TenantsService;
  /** suite_ticket.stale goes to the operator from the ticket alarm. */
  ops?: OpsWebhooks;
  now?: () => number;
}

export function createCallbacks(deps: CallbacksDeps) {
  const { config, logger, sqldb, outbox, jobs, dingtalk } = deps;
  const now = deps.now ?? Date.now;
  const suite = dingtalk.suite;
  const ticketAlarm = suite
    ? suiteTicketAlarm({ suiteKey: suite.suiteKey, tickets: dingtalk.tickets, alarmAfterMs: config.SUITE_TICKET_ALARM_AFTER, logger, ops: deps.ops, now })
    : undefined;
  const maintenance = callbackMaintenance({ sqldb, intervalMs: config.CALLBACK_MAINTENANCE_INTERVAL, ticketAlarm, logger, now });

  // Scheduled once per process: at start-up when a suite is configured (its ticket alarm must run
  // even if nothing ever arrives), otherwise on the first stored event (there is nothing to prune before).
  let scheduled: Promise<void> | undefined;
  const scheduleHousekeeping = (): Promise<void> =>
    (scheduled ??= jobs.schedule(MAINTENANCE_JOB, MAINTENANCE_JOB_ID).catch((err: unknown) => {
      scheduled = undefined;
      logger.error('could not schedule callback housekeeping', { err });
    }));

  const contacts = contactEvents({ dingtalk, outbox, revocations: deps.revocations });
  const processor = callbackProcessor({
    sqldb,
    tenants: deps.tenants,
    contacts,
    suite: suite && {
      suiteKey: suite.suiteKey,
      events: suiteEvents({
        suiteKey: suite.suiteKey,
        suiteApi: dingtalk.client.forSuite(suite),
        intake: suiteTicketIntake(dingtalk.tickets, sqldb),
        isvTenants: isvTenants({ secrets: deps.secrets, outbox }),
        contacts,
        isvTenant: (corpId) => sqldb.read(async (sql) => tenantsRepository.findByCorp(sql, corpId, 'isv')),
        logger,
      }),
    },
    logger,
    now,
  });
  jobs.register(CALLBACK_JOB, processor);
  jobs.register(MAINTENANCE_JOB, () => maintenance.run());

  return {
    // onStored does not wait for housekeeping to be scheduled; scheduleHousekeeping() logs its own failure.
    inbox: callbackInbox({ sqldb, jobs, windowMs: config.CALLBACK_TIMESTAMP_WINDOW, now, onStored: () => void scheduleHousekeeping() }),
    /** The clock callbacks are judged by (tests move it). */
    now,
    /** Call once at start-up. */
    async start(): Promise<void> {
      if (suite) await scheduleHousekeeping();
    },
  };
}

export type Callbacks = ReturnType<typeof createCallbacks>;

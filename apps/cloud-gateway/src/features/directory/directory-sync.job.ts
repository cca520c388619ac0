// The durable job behind a directory sync (asked for, or scheduled). A run takes ONE step of the walk
// and then gives its runner slot back (runAgainInMs: 0): requeued at "now", it is claimed after jobs
// that were waiting longer, such as another tenant's message dispatch, so a walk — however big,
// however many tenants walk at once — never holds a slot for more than one DingTalk call. Every
// step has committed its progress, so a crashed run is simply picked up again from the last commit.
import { z } from 'zod';
import { DingTalkApiError, diagnoseSetup } from '@dtg/dingtalk-client';
import { AppError, type Logger } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { DingTalk } from '../dingtalk/org-clients';
import type { JobHandler } from '../jobs/job-runner';
import type { UserTokenRevocations } from '../auth/user-token-revocations';
import type { Outbox } from '../outbox/outbox';
import type { TenantsService } from '../tenants/tenants.service';
import { walkStep } from './directory-walk';
import { SyncProgressSchema, type SyncProgress } from './sync-progress';

export const DIRECTORY_SYNC_JOB = 'directory.sync';
export const directorySyncJobId = (syncId: string) => `job_${syncId}`;

const PayloadSchema = z.object({ syncId: z.string().min(1) });
/** Transient failures (throttling, DingTalk down) are retried by the runner this often, then the sync fails. */
const MAX_ATTEMPTS = 5;
/** DingTalk answers that retrying cannot fix. */
const PERMANENT_KINDS = new Set(['fail-config', 'fail-bad-request', 'fail-not-authorized', 'fail-invalid-code', 'quota', 'banned', 'not-found']);

function isPermanent(err: unknown): boolean {
  return err instanceof AppError || (err instanceof DingTalkApiError && PERMANENT_KINDS.has(err.kind));
}

export interface DirectorySyncJobDeps {
  sqldb: SqlDatabase;
  outbox: Outbox;
  revocations: UserTokenRevocations;
  dingtalk: DingTalk;
  tenants: TenantsService;
  logger: Logger;
  now: () => number;
}

export function directorySyncJob(deps: DirectorySyncJobDeps): JobHandler {
  const { sqldb, logger, now } = deps;
  return async (payload, job) => {
    const { syncId } = PayloadSchema.parse(payload);
    const sync = await sqldb.read((sql) =>
      sql.get<{ tenantId: string; status: string; progress: string }>('SELECT "tenantId", status, progress FROM "DirectorySync" WHERE id = ?', syncId),
    );
    if (!sync || sync.status !== 'running') return { done: true };
    try {
      const tenant = await deps.tenants.get(sync.tenantId);
      const ctx = {
        sqldb,
        outbox: deps.outbox,
        revocations: deps.revocations,
        org: await deps.dingtalk.forTenant(tenant),
        tenant,
        syncId,
        now,
      };
      const progress: SyncProgress = SyncProgressSchema.parse(JSON.parse(sync.progress));
      return (await walkStep(ctx, progress)) ? { runAgainInMs: 0 } : { done: true };
    } catch (err) {
      if (!isPermanent(err) && job.attempts < MAX_ATTEMPTS) throw err;
      // A refusal caused by the app's DingTalk setup says what to fix, where the sync's status shows it.
      const setup = diagnoseSetup(err);
      const message = err instanceof Error ? err.message : String(err);
      const error = (setup ? `${message} — ${setup.fix}` : message).slice(0, 1000);
      await sqldb.write((tx) =>
        tx.run(`UPDATE "DirectorySync" SET status = 'failed', "finishedAt" = ?, error = ? WHERE id = ?`, new Date(now()), error, syncId),
      );
      logger.warn('directory sync failed', { syncId, tenantId: sync.tenantId, attempts: job.attempts, err });
      return { done: true };
    }
  };
}

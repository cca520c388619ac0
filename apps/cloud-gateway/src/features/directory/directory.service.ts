// Directory sync requests: at most one running sync per tenant (asking again returns it), each a
// durable job enqueued in the same transaction that records the sync.
import { DirectorySyncStatusSchema, type DirectorySyncView } from '@dtg/contracts';
import { notFound } from '@dtg/service-kit';
import { lockTenant, type Db, type DbTx, type Transact } from '../../db/prisma';
import { newId } from '../../shared/ids';
import type { JobRunner } from '../jobs/job-runner';
import { DIRECTORY_SYNC_JOB, directorySyncJobId } from './directory-sync.job';
import { initialProgress } from './sync-progress';

interface SyncRow {
  id: string;
  status: string;
  departmentsSeen: number;
  usersSeen: number;
  usersRemoved: number;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

function toView(row: SyncRow): DirectorySyncView {
  return {
    id: row.id,
    status: DirectorySyncStatusSchema.parse(row.status),
    departmentsSeen: row.departmentsSeen,
    usersSeen: row.usersSeen,
    usersRemoved: row.usersRemoved,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    error: row.error,
  };
}

// A sync whose job is gone or finished without closing it (e.g. the runner gave up after repeated
// crashes) must not block every later sync.
async function jobAlive(tx: DbTx, syncId: string): Promise<boolean> {
  const job = await tx.job.findUnique({ where: { id: directorySyncJobId(syncId) }, select: { status: true } });
  return job?.status === 'queued' || job?.status === 'running';
}

export function directoryService(deps: { db: Db; transaction: Transact; jobs: JobRunner; now?: () => number }) {
  const { db, jobs } = deps;
  const now = deps.now ?? Date.now;
  return {
    async start(tenantId: string, options: { full: boolean }): Promise<DirectorySyncView> {
      const row = await deps.transaction(async (tx, sql) => {
        // Two starts at once (on two replicas) see one running sync, not none each.
        await lockTenant(sql, tenantId);
        const running = await tx.directorySync.findFirst({ where: { tenantId, status: 'running' }, orderBy: { startedAt: 'desc' } });
        if (running && (await jobAlive(tx, running.id))) return running;
        if (running) {
          await tx.directorySync.update({
            where: { id: running.id },
            data: { status: 'failed', finishedAt: new Date(now()), error: 'its job ended before the sync finished' },
          });
        }
        const id = newId('dsync');
        const started = await tx.directorySync.create({
          data: { id, tenantId, status: 'running', startedAt: new Date(now()), progress: JSON.stringify(initialProgress(options.full)) },
        });
        await jobs.enqueue(sql, DIRECTORY_SYNC_JOB, { syncId: id }, { tenantId, id: directorySyncJobId(id) });
        return started;
      });
      return toView(row);
    },

    async get(tenantId: string, id: string): Promise<DirectorySyncView> {
      const row = await db.directorySync.findFirst({ where: { id, tenantId } });
      if (!row) throw notFound(`directory sync ${id} not found`);
      return toView(row);
    },
  };
}

export type DirectoryService = ReturnType<typeof directoryService>;

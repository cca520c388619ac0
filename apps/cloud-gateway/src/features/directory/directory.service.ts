// Directory sync requests: at most one running sync per tenant (asking again returns it), each a
// durable job enqueued in the same transaction that records the sync.
import { DirectorySyncStatusSchema, type DirectorySyncView } from '@dtg/contracts';
import { notFound } from '@dtg/service-kit';
import { lockTenant, type Sql, type SqlDatabase } from '../../db/prisma';
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
  /** Epoch ms, as direct SQL reads a DateTime. */
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
}

const COLUMNS = 'id, status, "departmentsSeen", "usersSeen", "usersRemoved", "startedAt", "finishedAt", error';

function toView(row: SyncRow): DirectorySyncView {
  return {
    id: row.id,
    status: DirectorySyncStatusSchema.parse(row.status),
    departmentsSeen: row.departmentsSeen,
    usersSeen: row.usersSeen,
    usersRemoved: row.usersRemoved,
    startedAt: new Date(Number(row.startedAt)).toISOString(),
    finishedAt: row.finishedAt === null ? null : new Date(Number(row.finishedAt)).toISOString(),
    error: row.error,
  };
}

// A sync whose job is gone or finished without closing it (e.g. the runner gave up after repeated
// crashes) must not block every later sync.
async function jobAlive(sql: Sql, syncId: string): Promise<boolean> {
  const job = await sql.get<{ status: string }>('SELECT status FROM "Job" WHERE id = ?', directorySyncJobId(syncId));
  return job?.status === 'queued' || job?.status === 'running';
}

export function directoryService(deps: { sqldb: SqlDatabase; jobs: JobRunner; now?: () => number }) {
  const { sqldb, jobs } = deps;
  const now = deps.now ?? Date.now;
  return {
    async start(tenantId: string, options: { full: boolean }): Promise<DirectorySyncView> {
      const row = await sqldb.write(async (tx) => {
        // Two starts at once (on two replicas) see one running sync, not none each.
        await lockTenant(tx, tenantId);
        const running = await tx.get<SyncRow>(
          `SELECT ${COLUMNS} FROM "DirectorySync" WHERE "tenantId" = ? AND status = 'running' ORDER BY "startedAt" DESC LIMIT 1`,
          tenantId,
        );
        if (running && (await jobAlive(tx, running.id))) return running;
        if (running) {
          await tx.run(
            `UPDATE "DirectorySync" SET status = 'failed', "finishedAt" = ?, error = ? WHERE id = ?`,
            new Date(now()),
            'its job ended before the sync finished',
            running.id,
          );
        }
        const id = newId('dsync');
        const started = await tx.get<SyncRow>(
          `INSERT INTO "DirectorySync" (id, "tenantId", status, "startedAt", progress) VALUES (?, ?, 'running', ?, ?) RETURNING ${COLUMNS}`,
          id,
          tenantId,
          new Date(now()),
          JSON.stringify(initialProgress(options.full)),
        );
        if (!started) throw new Error(`directory sync ${id} was not recorded`);
        await jobs.enqueue(tx, DIRECTORY_SYNC_JOB, { syncId: id }, { tenantId, id: directorySyncJobId(id) });
        return started;
      });
      return toView(row);
    },

    async get(tenantId: string, id: string): Promise<DirectorySyncView> {
      const row = await sqldb.read((sql) => sql.get<SyncRow>(`SELECT ${COLUMNS} FROM "DirectorySync" WHERE id = ? AND "tenantId" = ?`, id, tenantId));
      if (!row) throw notFound(`directory sync ${id} not found`);
      return toView(row);
    },
  };
}

export type DirectoryService = ReturnType<typeof directoryService>;

// The pruning job: one row for the whole deployment that reschedules itself every
// RETENTION_INTERVAL. Each batch (RETENTION_BATCH rows) is its own write transaction, so sends,
// pushes and claims interleave between batches instead of waiting behind one long delete; a run
// that has more to do than its time slice asks to run again at once. What may go is in
// retention.repository.ts and README.md.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { JobResult } from '../jobs/job-runner';
import { shanghaiDay } from '../../shared/china-time';
import { retentionRepository } from './retention.repository';

export const RETENTION_JOB = 'retention.prune';
/** One row for the whole deployment, found again after a restart. */
export const RETENTION_JOB_ID = 'job_retention_prune';
/** Batches of one run before it yields to the job runner (and asks to run again at once). */
const SLICE_MS = 5_000;

export interface RetentionWindows {
  /** Milliseconds, 0 = off. */
  eventsMs: number;
  jobsMs: number;
  messagesMs: number;
  quotaMs: number;
}

export interface RetentionDeps {
  sqldb: SqlDatabase;
  windows: RetentionWindows;
  intervalMs: number;
  batch: number;
  logger: Logger;
  now: () => number;
}

export type PrunedCounts = Record<'events' | 'deliveries' | 'attempts' | 'jobs' | 'messages' | 'recipients' | 'chunks' | 'quota', number>;

const none = (): PrunedCounts => ({ events: 0, deliveries: 0, attempts: 0, jobs: 0, messages: 0, recipients: 0, chunks: 0, quota: 0 });

export function retention(deps: RetentionDeps) {
  const { sqldb, windows, batch } = deps;
  // Made before the registry exists (the services are built first); registered by the app.
  const pruned = new Counter({
    name: 'dtg_retention_pruned_rows_total',
    help: 'Rows removed by the retention job, by table family (events, deliveries, attempts, jobs, messages, recipients, chunks, quota)',
    labelNames: ['table'],
    registers: [],
  });

  /** Batches until every family is done or the slice is used up; says whether anything is left. */
  async function pruneOnce(counts: PrunedCounts, until: number): Promise<boolean> {
    const now = deps.now();
    if (windows.eventsMs > 0) {
      const cutoff = now - windows.eventsMs;
      for (const tenantId of await sqldb.read(async (sql) => retentionRepository.tenantIds(sql))) {
        for (;;) {
          const r = await sqldb.write(async (tx) => retentionRepository.pruneEvents(tx, tenantId, cutoff, batch));
          counts.events += r.events;
          counts.deliveries += r.deliveries;
          counts.attempts += r.attempts;
          if (r.finished) break;
          if (deps.now() > until) return true;
        }
      }
    }
    if (windows.jobsMs > 0) {
      for (let n = batch; n === batch;) {
        n = await sqldb.write(async (tx) => retentionRepository.pruneJobs(tx, now - windows.jobsMs, batch));
        counts.jobs += n;
        if (n === batch && deps.now() > until) return true;
      }
    }
    if (windows.messagesMs > 0) {
      for (let n = batch; n === batch;) {
        const r = await sqldb.write(async (tx) => retentionRepository.pruneMessages(tx, now - windows.messagesMs, batch));
        n = r.messages;
        counts.messages += r.messages;
        counts.recipients += r.recipients;
        counts.chunks += r.chunks;
        if (n === batch && deps.now() > until) return true;
      }
    }
    if (windows.quotaMs > 0) {
      const beforeDay = shanghaiDay(now - windows.quotaMs);
      for (let n = batch; n >= batch;) {
        n = await sqldb.write(async (tx) => retentionRepository.pruneQuota(tx, beforeDay, batch));
        counts.quota += n;
        if (n >= batch && deps.now() > until) return true;
      }
    }
    return false;
  }

  /** One slice of pruning; returns what it removed and whether more is waiting. */
  async function prune(sliceMs = SLICE_MS): Promise<{ counts: PrunedCounts; more: boolean }> {
    const counts = none();
    const more = await pruneOnce(counts, deps.now() + sliceMs);
    for (const [table, n] of Object.entries(counts)) if (n > 0) pruned.inc({ table }, n);
    if (Object.values(counts).some((n) => n > 0)) deps.logger.info('retention pruned rows', { ...counts, more });
    return { counts, more };
  }

  return {
    prune,

    async run(): Promise<JobResult> {
      const { more } = await prune();
      return { runAgainInMs: more ? 0 : deps.intervalMs };
    },

    register(registry: Registry): void {
      registry.registerMetric(pruned);
    },
  };
}

export type Retention = ReturnType<typeof retention>;

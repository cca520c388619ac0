// Durable background jobs in SQLite: message dispatch, receipt polling, directory sync, callback
// processing. A job is claimed with an expiring lease, so a crash mid-job means the job runs
// again after the lease — handlers are written to resume (they re-read their own progress).
import { runWithContext, type Logger } from '@dtg/service-kit';
import type { Db, DbTx } from '../../db/prisma';
import { newId } from '../../shared/ids';

export interface JobContext {
  jobId: string;
  tenantId: string | null;
  attempts: number;
}

/** What a handler asks for next: finished, or run again later (polling, waiting for a rate window). */
export type JobResult = { done: true } | { runAgainInMs: number };

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<JobResult>;

export interface JobRunnerOptions {
  db: Db;
  logger: Logger;
  /** How often to look for due jobs when nothing woke the runner. */
  pollIntervalMs: number;
  /** Max jobs running at once in this process. */
  concurrency: number;
  /** Lease per run; a handler that needs longer must finish in steps (return runAgainInMs). */
  leaseMs: number;
  /** Failed runs retry with exponential backoff up to this many attempts, then the job is `failed`. */
  maxAttempts: number;
  now?: () => number;
}

export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly owner = newId('run');
  private running = 0;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private pumping = false;
  private again = false;
  private readonly active = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly opts: JobRunnerOptions) {
    this.now = opts.now ?? Date.now;
  }

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Inside the caller's transaction, so the job exists exactly when the change that needs it does. */
  async enqueue(tx: DbTx, kind: string, payload: unknown, opts: { tenantId?: string; runAt?: Date; id?: string } = {}): Promise<string> {
    const id = opts.id ?? newId('job');
    await tx.job.create({
      data: { id, kind, tenantId: opts.tenantId ?? null, payload: JSON.stringify(payload), runAt: opts.runAt ?? new Date(this.now()) },
    });
    return id;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.kick();
      this.timer = setTimeout(tick, this.opts.pollIntervalMs);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.active]);
  }

  /** Look for due jobs now (call after committing an enqueue). */
  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((err: unknown) => this.opts.logger.error('job runner poll failed', { err }))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      const free = this.opts.concurrency - this.running;
      if (free <= 0) return;
      const now = this.now();
      const claimed = await this.opts.db.$queryRawUnsafe<{ id: string; kind: string; payload: string; tenantId: string | null; attempts: number }[]>(
        `UPDATE Job SET status = 'running', leaseOwner = ?, leaseUntil = ?, updatedAt = ?
         WHERE id IN (SELECT id FROM Job WHERE (status = 'queued' AND runAt <= ?) OR (status = 'running' AND leaseUntil < ?)
                      ORDER BY runAt LIMIT ?)
         RETURNING id, kind, payload, tenantId, attempts`,
        this.owner, now + this.opts.leaseMs, now, now, now, free,
      );
      if (claimed.length === 0) return;
      for (const job of claimed) {
        this.running += 1;
        const run = this.run(job).finally(() => {
          this.running -= 1;
          this.active.delete(run);
          this.kick();
        });
        this.active.add(run);
      }
    }
  }

  private async run(job: { id: string; kind: string; payload: string; tenantId: string | null; attempts: number }): Promise<void> {
    const { db, logger } = this.opts;
    const handler = this.handlers.get(job.kind);
    const attempts = job.attempts + 1;
    await runWithContext({ requestId: job.id, tenantId: job.tenantId ?? undefined }, async () => {
      try {
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        const result = await handler(JSON.parse(job.payload), { jobId: job.id, tenantId: job.tenantId, attempts });
        if ('done' in result) {
          await db.job.update({ where: { id: job.id }, data: { status: 'done', attempts, leaseOwner: null, leaseUntil: null, lastError: null } });
        } else {
          // A step that asks to run again is progress, not a failure: attempts reset.
          await db.job.update({
            where: { id: job.id },
            data: { status: 'queued', attempts: 0, runAt: new Date(this.now() + result.runAgainInMs), leaseOwner: null, leaseUntil: null },
          });
        }
      } catch (err) {
        const failed = attempts >= this.opts.maxAttempts;
        const delay = Math.min(2 ** attempts * 1000, 300_000);
        logger.warn(failed ? 'job failed for good' : 'job failed, will retry', { jobId: job.id, kind: job.kind, attempts, err });
        await db.job
          .update({
            where: { id: job.id },
            data: {
              status: failed ? 'failed' : 'queued',
              attempts,
              runAt: new Date(this.now() + delay),
              leaseOwner: null,
              leaseUntil: null,
              lastError: err instanceof Error ? err.message.slice(0, 1000) : String(err).slice(0, 1000),
            },
          })
          .catch((e: unknown) => logger.error('job bookkeeping failed; the lease will expire and the job will rerun', { jobId: job.id, err: e }));
      }
    });
  }
}

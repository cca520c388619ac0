// Durable background jobs in SQLite: message dispatch, receipt polling, directory sync, callback
// processing. A job is claimed with an expiring lease, so a crash mid-job means the job runs
// again after the lease — handlers are written to resume (they re-read their own progress).
import { AppError, Pump, runWithContext, type Logger } from '@dtg/service-kit';
import { Histogram, type Registry } from 'prom-client';
import { at, skipLocked, type SqlDatabase, type Tx } from '../../db/prisma';
import { newId } from '../../shared/ids';

export interface JobContext {
  jobId: string;
  tenantId: string | null;
  attempts: number;
}

/** What a handler asks for next: finished, or run again later (polling, waiting for a rate window). */
export type JobResult = { done: true } | { runAgainInMs: number };

interface ClaimedJob {
  id: string;
  kind: string;
  payload: string;
  tenantId: string | null;
  attempts: number;
}

export interface EnqueueOptions {
  tenantId?: string;
  runAt?: Date;
  /** A natural key (e.g. one dispatch job per message): enqueueing it twice fails on the primary key. */
  id?: string;
  /** With `id`: when that job exists already, leave it and make nothing. */
  ifAbsent?: boolean;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<JobResult>;

/**
 * Makes up to `room` jobs (with enqueue, inside the runner's transaction) from work recorded
 * elsewhere, each with runAt = when that work was recorded, and says how many it made. The runner
 * asks only when it has room, so work that waits anyway (DingTalk's rate limits) costs no Job row
 * until it can run. Whoever records such work calls `workRecorded(tx)` in that transaction.
 */
export type JobSource = (tx: Tx, room: number) => Promise<number>;

export interface JobRunnerOptions {
  sqldb: SqlDatabase;
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
  private readonly sources: JobSource[] = [];
  private readonly owner = newId('run');
  private running = 0;
  /** The last poll found the write lock held by another process (see pollFailed). */
  private lockBusy = false;
  private readonly pump: Pump;
  private readonly active = new Set<Promise<void>>();
  /** Jobs asked to run again at once while they were running (see runSoon). */
  private readonly soon = new Set<string>();
  private readonly now: () => number;
  /** One function for every transaction, so a group commit of many enqueues wakes the runner once. */
  private readonly wake = () => this.kick();
  private readonly runSeconds = new Histogram({
    name: 'dtg_job_run_seconds',
    help: 'Duration of each job run by kind and outcome (done, again = asked to run later, failed = threw)',
    labelNames: ['kind', 'outcome'],
    buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30, 120],
    registers: [],
  });

  constructor(private readonly opts: JobRunnerOptions) {
    this.now = opts.now ?? Date.now;
    this.pump = new Pump(() => this.claimDue(), {
      pollIntervalMs: opts.pollIntervalMs,
      onError: (err) => this.pollFailed(err),
    });
  }

  /**
   * Another process (the admin CLI, a backup) holding the SQLite write lock is expected and passes:
   * said once per episode at warn, not as an error on every poll. Anything else is an error.
   */
  private pollFailed(err: unknown): void {
    if (err instanceof AppError && err.code === 'database_busy') {
      if (!this.lockBusy) this.opts.logger.warn('job runner waiting: another process holds the database write lock; polling on');
      this.lockBusy = true;
      return;
    }
    this.opts.logger.error('job runner poll failed', { err });
  }

  /** dtg_job_run_seconds (made with the runner, registered by the app). */
  registerMetrics(registry: Registry): void {
    registry.registerMetric(this.runSeconds);
  }

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  addSource(source: JobSource): void {
    this.sources.push(source);
  }

  /**
   * In the caller's transaction, so the job exists exactly when the change that needs it does; the
   * runner looks for it as soon as that commits (the wake-up is registered here, not by the caller).
   */
  async enqueue(tx: Tx, kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<string> {
    const id = opts.id ?? newId('job');
    const now = this.now();
    await tx.run(
      `INSERT INTO "Job" (id, kind, "tenantId", payload, status, "runAt", attempts, "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 'queued', ?, 0, ?, ?)${opts.ifAbsent ? ' ON CONFLICT (id) DO NOTHING' : ''}`,
      id,
      kind,
      opts.tenantId ?? null,
      JSON.stringify(payload),
      opts.runAt ?? new Date(now),
      new Date(now),
      new Date(now),
    );
    this.workRecorded(tx);
    return id;
  }

  /**
   * At start-up, for a deployment-wide job with a fixed id (ops checks, retention, sweeps): makes sure
   * it exists and is runnable now. One that failed for good or finished is queued again; one that is
   * queued or running (another replica's) is left as it is.
   */
  async schedule(kind: string, id: string): Promise<void> {
    const now = new Date(this.now());
    await this.opts.sqldb.write(async (tx) => {
      const inserted = await tx.run(
        `INSERT INTO "Job" (id, kind, payload, status, "runAt", attempts, "createdAt", "updatedAt") VALUES (?, ?, '{}', 'queued', ?, 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
        id,
        kind,
        now,
        now,
        now,
      );
      const revived = await tx.run(
        `UPDATE "Job" SET status = 'queued', attempts = 0, "runAt" = ?, "updatedAt" = ? WHERE id = ? AND status IN ('failed', 'done')`,
        now,
        now,
        id,
      );
      if (inserted.changes + revived.changes > 0) this.workRecorded(tx);
    });
  }

  /** Work a source turns into jobs was recorded in `tx`: the runner asks its sources once that commits. */
  workRecorded(tx: Tx): void {
    tx.afterCommit(this.wake);
  }

  start(): void {
    this.pump.start();
  }

  async stop(): Promise<void> {
    this.pump.stop();
    await this.pump.idle();
    await Promise.allSettled([...this.active]);
  }

  /**
   * Resolves once no claim runs and no job is running: every job due now has run (and every due
   * job those enqueued). For tests and drills that assert on what the jobs left behind.
   */
  async drain(): Promise<void> {
    this.kick();
    for (;;) {
      await this.pump.idle();
      if (this.active.size === 0) return;
      await Promise.allSettled([...this.active]);
    }
  }

  /**
   * A queued job runs now instead of at its runAt. One that is running when asked is queued for now
   * when it settles, whatever runAt it asks for: its run may have read the state before the change
   * that prompted this (a wake lost between its end and its settle would wait for its next runAt).
   */
  async runSoon(id: string): Promise<void> {
    this.soon.add(id);
    const now = this.now();
    await this.opts.sqldb.write(async (sql) => await sql.run(`UPDATE "Job" SET "runAt" = ? WHERE id = ? AND status = 'queued'`, new Date(now), id));
    this.kick();
  }

  /** Look for due jobs now (enqueue and workRecorded do this after their commit; the poll every pollIntervalMs). */
  kick(): void {
    this.pump.kick();
  }

  private async claimDue(): Promise<void> {
    while (this.pump.running) {
      const free = this.opts.concurrency - this.running;
      if (free <= 0) return;
      const now = this.now();
      const claimed = await this.opts.sqldb.write(async (sql) => {
        this.lockBusy = false;
        await this.fromSources(sql, free);
        return await sql.all<ClaimedJob>(
          // Two index range scans that stop at the limit: one OR over both would collect and sort
          // every due job, and a backlog of thousands made each claim cost milliseconds.
          `UPDATE "Job" SET status = 'running', "leaseOwner" = ?, "leaseUntil" = ?, "updatedAt" = ?
           WHERE id IN (SELECT id FROM (SELECT id FROM "Job" WHERE status = 'running' AND "leaseUntil" < ? LIMIT ?${skipLocked(sql)}) AS expired
                        UNION ALL
                        SELECT id FROM (SELECT id FROM "Job" WHERE status = 'queued' AND "runAt" <= ? ORDER BY "runAt" LIMIT ?${skipLocked(sql)}) AS due
                        LIMIT ?)
           RETURNING id, kind, payload, "tenantId", attempts`,
          this.owner,
          new Date(now + this.opts.leaseMs),
          new Date(now),
          new Date(now),
          free,
          new Date(now),
          free,
          free,
        );
      });
      for (const job of claimed) {
        // This run starts after the request: it sees what prompted it.
        this.soon.delete(job.id);
        this.running += 1;
        const run = this.run(job).finally(() => {
          this.running -= 1;
          this.active.delete(run);
          this.kick();
        });
        this.active.add(run);
      }
      if (claimed.length === 0) return;
    }
  }

  /**
   * Asks the sources for up to `room` jobs in the claim's own transaction, just before it: they date
   * their jobs from when the work was recorded, so the claim (oldest runAt first) keeps first come,
   * first served between them and jobs already queued. A failing source is rolled back to its
   * savepoint and logged, and the claim goes on without it.
   */
  private async fromSources(sql: Tx, room: number): Promise<void> {
    if (this.sources.length === 0) return;
    // The claim that follows in this transaction takes what the sources make: their enqueues need
    // no wake-up (one would only run another, empty, claim after this commit).
    const inClaim: Tx = { ...sql, afterCommit: () => undefined };
    await sql.run('SAVEPOINT sources');
    try {
      let made = 0;
      for (const source of this.sources) if (made < room) made += await source(inClaim, room - made);
    } catch (err) {
      await sql.run('ROLLBACK TO sources');
      this.opts.logger.error('job source failed; it is asked again at the next claim', { err });
    }
    await sql.run('RELEASE sources');
  }

  private async run(job: ClaimedJob): Promise<void> {
    const { logger } = this.opts;
    const handler = this.handlers.get(job.kind);
    const attempts = job.attempts + 1;
    await runWithContext({ requestId: job.id, tenantId: job.tenantId ?? undefined }, async () => {
      const timer = this.runSeconds.startTimer({ kind: job.kind });
      try {
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        let result: JobResult;
        try {
          result = await handler(JSON.parse(job.payload), { jobId: job.id, tenantId: job.tenantId, attempts });
        } catch (err) {
          timer({ outcome: 'failed' });
          throw err;
        }
        timer({ outcome: 'done' in result ? 'done' : 'again' });
        // A step that asks to run again is progress, not a failure: attempts reset.
        if ('done' in result) await this.settle(job.id, { status: 'done', attempts, runAt: null, lastError: null });
        else
          await this.settle(job.id, {
            status: 'queued',
            attempts: 0,
            runAt: this.now() + (this.soon.delete(job.id) ? 0 : result.runAgainInMs),
            lastError: null,
          });
      } catch (err) {
        const failed = attempts >= this.opts.maxAttempts;
        const delay = Math.min(2 ** attempts * 1000, 300_000);
        logger.warn(failed ? 'job failed for good' : 'job failed, will retry', { jobId: job.id, kind: job.kind, attempts, err });
        const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
        await this.settle(job.id, { status: failed ? 'failed' : 'queued', attempts, runAt: this.now() + delay, lastError }).catch((e: unknown) =>
          logger.error('job bookkeeping failed; the lease will expire and the job will rerun', { jobId: job.id, err: e }),
        );
      }
    });
  }

  /** Hands the lease back: done, failed, or queued again at `runAt` (null keeps the old runAt). */
  private async settle(id: string, to: { status: string; attempts: number; runAt: number | null; lastError: string | null }): Promise<void> {
    await this.opts.sqldb.write(async (sql) => {
      await sql.run(
        'UPDATE "Job" SET status = ?, attempts = ?, "runAt" = COALESCE(?, "runAt"), "lastError" = ?, "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = ? WHERE id = ?',
        to.status,
        to.attempts,
        at(to.runAt),
        to.lastError,
        new Date(this.now()),
        id,
      );
    });
    // A runSoon that came while this settled found the job still running (on Postgres its UPDATE can
    // run before this one): queued again, it runs now rather than at the runAt just written.
    if (to.status === 'queued' && this.soon.has(id)) await this.runSoon(id);
  }
}

// The cloud's one SQLite connection, shared by Prisma and by the hot paths that write it directly.
//
// Prisma's better-sqlite3 adapter runs everything on ONE connection. Prisma keeps its own
// statements apart from an open interactive transaction (it holds them until the transaction
// ends), but a statement run on that connection directly would run INSIDE whatever transaction is
// open (seeing its uncommitted rows, rolled back with it). So a Prisma transaction holds a gate
// from BEGIN to COMMIT/ROLLBACK, and the direct path takes its turn at the same gate. Prisma's
// single statements need no turn: like ours they run synchronously, so they cannot interleave.
//
// The direct path exists because Prisma's query interpreter costs ~10× the SQL it runs: accepting a
// message is a handful of prepared statements in one synchronous better-sqlite3 transaction, which
// nothing can interleave with.
//
// Another PROCESS may hold the write lock (the admin CLI, a backup, a sqlite3 shell). Nothing here
// waits for it on the event loop (lock-wait.ts): every transaction starts with BEGIN IMMEDIATE —
// the lock is taken up front, never half-way through — and a BEGIN or a single statement that
// finds the database locked is retried after an asynchronous backoff, without holding the gate,
// until its deadline.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { Mutex } from 'async-mutex';
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { backoffMs, databaseBusy, isBusy, retryWhileBusy, type LockWaitObserver } from './lock-wait';

export type SqlParam = string | number | bigint | null | Buffer;

/** Synchronous SQL on the shared connection; only handed out where the gate is held. */
export interface Sql {
  all<T>(text: string, ...params: SqlParam[]): T[];
  get<T>(text: string, ...params: SqlParam[]): T | undefined;
  run(text: string, ...params: SqlParam[]): { changes: number };
}

/**
 * An open write transaction: its SQL, and what to do once it has committed. Writes that must commit
 * together take it as a parameter (Outbox.append, JobRunner.enqueue); there is no ambient one.
 */
export interface Tx extends Sql {
  /**
   * Runs `hook` after COMMIT, never after a rollback: the wake-ups of whatever reads what this
   * transaction wrote (the dispatcher, the job runner). The same function registered twice in one
   * commit runs once, so a group commit of a hundred sends wakes each reader once. Hooks must not throw.
   */
  afterCommit(hook: () => void): void;
}

/**
 * The after-commit hooks of one transaction. A group commit keeps one list for all its writes and
 * cuts a write's hooks off again when its savepoint rolls back (`mark`/`dropSince`); each distinct
 * hook runs once. A plain array, not a Set per write: the accept path pays for this on every request.
 */
export class AfterCommit {
  private readonly hooks: (() => void)[] = [];

  add = (hook: () => void): void => {
    this.hooks.push(hook);
  };

  mark(): number {
    return this.hooks.length;
  }

  dropSince(mark: number): void {
    this.hooks.length = mark;
  }

  run(): void {
    const hooks = this.hooks.length > 1 ? [...new Set(this.hooks)] : this.hooks.slice();
    this.hooks.length = 0;
    for (const hook of hooks) {
      try {
        hook();
      } catch (err) {
        // The data is committed; a failing wake-up only delays work until the next poll.
        process.emitWarning(err instanceof Error ? err : new Error(String(err)), 'AfterCommitHookFailed');
      }
    }
  }
}

/** Prepared statements by SQL text. Multi-row inserts vary their text by row count, so it is bounded. */
class StatementCache {
  private readonly statements = new Map<string, Statement>();
  constructor(
    private readonly database: Database.Database,
    private readonly max = 256,
  ) {}

  get(text: string): Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      // Plain numbers, like the rest of the app's raw SQL (the adapter turns BigInt on for Prisma's own use).
      stmt = this.database.prepare(text).safeIntegers(false);
      if (this.statements.size >= this.max) this.statements.delete(this.statements.keys().next().value as string);
      this.statements.set(text, stmt);
    }
    return stmt;
  }
}

export interface LockWaitOptions {
  /** How long a statement may wait for another process's write lock before `database_busy`, in ms. */
  lockWaitMs: number;
  observer?: LockWaitObserver;
}

/** Held by a Prisma transaction from BEGIN to its end, and by each batch of direct statements. */
export class SqliteGate {
  readonly mutex = new Mutex();

  constructor(readonly lockWait: Required<LockWaitOptions>) {}

  /** Wraps Prisma's adapter factory so its transactions hold the gate and nothing waits for a lock on the event loop. */
  factory(inner: SqlDriverAdapterFactory, onConnect: (database: Database.Database) => void): SqlDriverAdapterFactory {
    const connect = async (): Promise<SqlDriverAdapter> => {
      const adapter = await inner.connect();
      // The adapter keeps its better-sqlite3 Database as `client`: the connection we share.
      const database = (adapter as unknown as { client: Database.Database }).client;
      onConnect(database);
      return gatedAdapter(adapter, database, this);
    };
    return { provider: inner.provider, adapterName: inner.adapterName, connect };
  }

  deadline(lockWaitMs = this.lockWait.lockWaitMs): number {
    return Date.now() + lockWaitMs;
  }
}

interface PendingWrite {
  fn: (tx: Tx) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** When it stops waiting for another process's lock (epoch ms). */
  deadline: number;
  durable: boolean;
  /** Found the database locked at least once (counted by the lock-wait observer). */
  waited?: boolean;
}

export interface WriteOptions {
  /** Waits this long for another process's write lock instead of the connection's default, in ms. */
  lockWaitMs?: number;
  /**
   * Commits with synchronous=FULL: the commit survives a power loss, not only a crash of the
   * process (WAL with synchronous=NORMAL may lose the last commits to a power loss).
   */
  durable?: boolean;
}

export class SqliteConnection {
  private readonly cache: StatementCache;
  private readonly sql: Sql;
  private readonly pending: PendingWrite[] = [];
  private flushScheduled = false;
  /** The group commit's hooks, and the one Tx every write of a group gets (it writes them there). */
  private readonly hooks = new AfterCommit();
  private readonly writeTx: Tx;
  /** BEGIN IMMEDIATE attempts in a row that found the database locked (0: not waiting). */
  private busyAttempts = 0;

  constructor(
    readonly database: Database.Database,
    private readonly gate: SqliteGate,
  ) {
    this.cache = new StatementCache(database);
    this.sql = {
      all: <T>(text: string, ...params: SqlParam[]) => this.cache.get(text).all(...params) as T[],
      get: <T>(text: string, ...params: SqlParam[]) => this.cache.get(text).get(...params) as T | undefined,
      run: (text: string, ...params: SqlParam[]) => ({ changes: this.cache.get(text).run(...params).changes }),
    };
    this.writeTx = this.tx(this.hooks);
  }

  /**
   * Runs `fn` atomically when it is its turn, and resolves once that is committed. `fn` is
   * synchronous: nothing else touches the connection until it returns; if it throws, everything
   * it wrote is rolled back and the promise rejects.
   *
   * Group commit: the writes that arrive while the connection is busy go in ONE IMMEDIATE
   * transaction (the write lock is taken up front, so another process cannot fail it half-way),
   * each inside its own savepoint. A commit is most of what a small write costs, so under load
   * this multiplies what the connection can accept; alone, a write is a transaction of its own.
   */
  write<T>(fn: (tx: Tx) => T, options: WriteOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        fn,
        resolve: resolve as (value: unknown) => void,
        reject,
        deadline: this.gate.deadline(options.lockWaitMs),
        durable: options.durable === true,
      });
      // While waiting for another process's lock, the retry timer flushes whatever has gathered.
      if (!this.flushScheduled && this.busyAttempts === 0) {
        this.flushScheduled = true;
        // A timer callback has no one to await it: flush() settles every queued write's own promise.
        setImmediate(() => void this.atTurn(() => this.flush()));
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const durable = batch.some((item) => item.durable);
    try {
      if (durable) this.cache.get('PRAGMA synchronous = FULL').run();
      try {
        this.cache.get('BEGIN IMMEDIATE').run();
      } catch (err) {
        if (isBusy(err)) return this.waitForLock(batch);
        throw err;
      }
      this.lockAcquired(batch);
      for (const item of batch) {
        this.cache.get('SAVEPOINT write').run();
        const mark = this.hooks.mark();
        try {
          outcomes.push({ ok: true, value: item.fn(this.writeTx) });
        } catch (err) {
          this.hooks.dropSince(mark);
          this.cache.get('ROLLBACK TO write').run();
          outcomes.push({ ok: false, value: err });
        }
        this.cache.get('RELEASE write').run();
      }
      this.cache.get('COMMIT').run();
    } catch (err) {
      // The transaction itself failed (disk, a constraint at COMMIT): nothing in it was committed.
      this.hooks.dropSince(0);
      if (this.database.inTransaction) this.cache.get('ROLLBACK').run();
      for (const item of batch) item.reject(err);
      return;
    } finally {
      if (durable && !this.database.inTransaction) this.cache.get('PRAGMA synchronous = NORMAL').run();
    }
    this.hooks.run();
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.value);
    });
  }

  private tx(hooks: AfterCommit): Tx {
    return { all: this.sql.all, get: this.sql.get, run: this.sql.run, afterCommit: hooks.add };
  }

  /**
   * Another process holds the write lock: the batch waits (without the gate, so reads and
   * Prisma go on) and is tried again after a backoff, with whatever joins it meanwhile; a write
   * past its deadline is refused with `database_busy`, nothing of it written.
   */
  private waitForLock(batch: PendingWrite[]): void {
    const { observer } = this.gate.lockWait;
    const now = Date.now();
    for (const item of batch) {
      if (!item.waited) observer.waiting();
      item.waited = true;
      if (item.deadline > now) continue;
      observer.done('gave_up');
      item.reject(databaseBusy());
    }
    this.pending.unshift(...batch.filter((item) => item.deadline > now));
    this.busyAttempts = this.pending.length === 0 ? 0 : this.busyAttempts + 1;
    // As above: the retry's outcome reaches each waiting write through its own promise.
    if (this.busyAttempts > 0) setTimeout(() => void this.atTurn(() => this.flush()), backoffMs(this.busyAttempts));
  }

  private lockAcquired(batch: PendingWrite[]): void {
    for (const item of batch) if (item.waited) this.gate.lockWait.observer.done('acquired');
    this.busyAttempts = 0;
  }

  /** Synchronous reads on a consistent, committed state. */
  read<T>(fn: (sql: Sql) => T): Promise<T> {
    const attempt = () => this.atTurn(() => fn(this.sql));
    // WAL readers do not wait for writers; SQLITE_BUSY here is rare (recovery), and retried the same
    // way. Every API request reads its key here, so the usual path stays a single call.
    return attempt().catch((err: unknown) => (isBusy(err) ? retryWhileBusy(attempt, this.gate.deadline(), this.gate.lockWait.observer) : Promise.reject(err)));
  }

  /**
   * Runs synchronous `fn` at the gate's turn. Only a Prisma transaction holds the gate across
   * awaits, so when it is free (the usual case) `fn` runs at once: queueing at the mutex cost
   * every API request more than its key read.
   */
  private atTurn<T>(fn: () => T): Promise<T> {
    if (this.gate.mutex.isLocked()) return this.gate.mutex.runExclusive(fn);
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * The Tx of the Prisma interactive transaction that is open on this connection: it holds the gate,
   * so these statements are part of it. Only db/prisma.ts's `transaction` calls this, from inside the
   * transaction it opened, and runs `hooks` once that has committed. Throws when none is open.
   */
  prismaTx(hooks: AfterCommit): Tx {
    if (!this.database.inTransaction) throw new Error('SqliteConnection.prismaTx() called outside a transaction');
    return this.tx(hooks);
  }
}

function gatedAdapter(adapter: SqlDriverAdapter, database: Database.Database, gate: SqliteGate): SqlDriverAdapter {
  const { observer } = gate.lockWait;
  // Prisma's statements outside a transaction: a write that finds the lock taken is tried again.
  const unlessBusy = <T>(run: () => Promise<T>): Promise<T> =>
    run().catch((err: unknown) => (isBusy(err) ? retryWhileBusy(run, gate.deadline(), observer) : Promise.reject(err)));
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (q: SqlQuery) => unlessBusy(() => adapter.queryRaw(q)),
    executeRaw: (q: SqlQuery) => unlessBusy(() => adapter.executeRaw(q)),
    executeScript: (script: string) => unlessBusy(() => adapter.executeScript(script)),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    startTransaction: (isolationLevel?: IsolationLevel) => beginImmediate(adapter, database, gate, isolationLevel),
  };
}

/**
 * Prisma's adapter opens transactions with a deferred BEGIN: the write lock would be taken at the
 * first write, half-way through, where waiting for it means holding the gate (every other
 * statement of this process queued behind) and a stale snapshot can never get it. So a
 * transaction takes the lock up front; when another process holds it, the gate is let go during
 * each backoff.
 */
async function beginImmediate(adapter: SqlDriverAdapter, database: Database.Database, gate: SqliteGate, isolationLevel?: IsolationLevel): Promise<Transaction> {
  if (isolationLevel && isolationLevel !== 'SERIALIZABLE') throw new DriverAdapterError({ kind: 'InvalidIsolationLevel', level: isolationLevel });
  const deadline = gate.deadline();
  const { observer } = gate.lockWait;
  for (let attempt = 0; ; attempt++) {
    const release = await gate.mutex.acquire();
    try {
      database.prepare('BEGIN IMMEDIATE').run();
    } catch (err) {
      release();
      if (!isBusy(err)) throw err;
      if (attempt === 0) observer.waiting();
      if (Date.now() >= deadline) {
        observer.done('gave_up');
        throw databaseBusy();
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
      continue;
    }
    if (attempt > 0) observer.done('acquired');
    let released = false;
    const done = async () => {
      if (!released) release();
      released = true;
    };
    const savepoint = (sql: string) => adapter.executeRaw({ sql, args: [], argTypes: [] }).then(() => undefined);
    // Prisma sends COMMIT/ROLLBACK as SQL through the transaction (usePhantomQuery: false), then calls commit()/rollback().
    return {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      options: { usePhantomQuery: false },
      queryRaw: (q: SqlQuery) => adapter.queryRaw(q),
      executeRaw: (q: SqlQuery) => adapter.executeRaw(q),
      createSavepoint: (name: string) => savepoint(`SAVEPOINT ${name}`),
      rollbackToSavepoint: (name: string) => savepoint(`ROLLBACK TO ${name}`),
      releaseSavepoint: (name: string) => savepoint(`RELEASE SAVEPOINT ${name}`),
      commit: done,
      rollback: done,
    };
  }
}

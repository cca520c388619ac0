// The cloud's one SQLite connection, shared by Prisma and by the hot paths that write it directly.
//
// Prisma's better-sqlite3 adapter runs everything on ONE connection. Prisma keeps its own
// statements apart from an open interactive transaction (it holds them until the transaction
// ends), but a statement run on that connection directly would run INSIDE whatever transaction is
// open (seeing its uncommitted rows, rolled back with it). So a Prisma transaction holds a gate
// from BEGIN to COMMIT/ROLLBACK, and the direct path takes its turn at the same gate, as do Prisma's
// single statements (one run while a direct write awaits would land inside its transaction).
//
// The direct path exists because Prisma's query interpreter costs ~10× the SQL it runs: accepting a
// message is a handful of prepared statements in one better-sqlite3 transaction. The statements run
// synchronously; the Sql interface is asynchronous only so the same code runs on Postgres (sql.ts).
// So whoever runs SQL here holds the gate until its function has settled — a direct read or write,
// a Prisma transaction, and each of Prisma's own statements — and nothing interleaves with it.
//
// Another PROCESS may hold the write lock (the admin CLI, a backup, a sqlite3 shell). Nothing here
// waits for it on the event loop (lock-wait.ts): every transaction starts with BEGIN IMMEDIATE —
// the lock is taken up front, never half-way through — and a BEGIN or a single statement that
// finds the database locked is retried after an asynchronous backoff, without holding the gate,
// until its deadline.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { backoffMs, databaseBusy, isBusy, retryWhileBusy, type LockWaitObserver } from './lock-wait';
import { AfterCommit, type Sql, type SqlDatabase, type SqlParam, type Tx, type WriteOptions } from './sql';
import { walSync, type FileSync } from './wal-sync';

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

/**
 * Who may use the connection: held by a Prisma transaction from BEGIN to its end, by each direct
 * read or group commit until its function has settled, and by each of Prisma's own statements.
 * Not async-mutex: taking a free gate here starts the holder at once, without a promise hop, and
 * every API request takes it for its key read.
 */
export class ConnectionTurn {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  /** Resolves with the release function once the turn is ours. */
  acquire(): Promise<() => void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => this.waiters.push(() => resolve(this.releaser())));
  }

  /** Runs `fn` holding the turn; when it is free (the usual case) `fn` starts synchronously. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held) return this.acquire().then((release) => settle(fn, release));
    this.held = true;
    return settle(fn, this.releaser());
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.held = false;
    };
  }
}

function settle<T>(fn: () => Promise<T>, release: () => void): Promise<T> {
  let promise: Promise<T>;
  try {
    promise = fn();
  } catch (err) {
    release();
    return Promise.reject(err);
  }
  return promise.finally(release);
}

export class SqliteGate {
  readonly turn = new ConnectionTurn();

  constructor(readonly lockWait: Required<LockWaitOptions>) {}

  /**
   * Opens the connection now and gives Prisma an adapter factory that hands it over when Prisma
   * first needs it: Prisma's query compiler (WebAssembly, ~20–40 MB of RSS) loads only once an ORM
   * query runs, and the cloud's own paths use direct SQL. Its transactions hold the gate and
   * nothing waits for a lock on the event loop. `close` disposes of the connection whether or not
   * Prisma ever took it.
   */
  async open(
    inner: SqlDriverAdapterFactory,
  ): Promise<{ database: Database.Database; factory: SqlDriverAdapterFactory; ormStarted: () => boolean; close: () => Promise<void> }> {
    const adapter = await inner.connect();
    // The adapter keeps its better-sqlite3 Database as `client`: the connection we share.
    const database = (adapter as unknown as { client: Database.Database }).client;
    const gated = gatedAdapter(adapter, database, this);
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await adapter.dispose();
    };
    // Prisma disposes of what it connected when it disconnects: that is our close too.
    const handed: SqlDriverAdapter = { ...gated, dispose: close };
    let started = false;
    const connect = async () => {
      started = true;
      return handed;
    };
    return { database, factory: { provider: inner.provider, adapterName: inner.adapterName, connect }, ormStarted: () => started, close };
  }

  deadline(lockWaitMs = this.lockWait.lockWaitMs): number {
    return Date.now() + lockWaitMs;
  }
}

interface PendingWrite {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** When it stops waiting for another process's lock (epoch ms). */
  deadline: number;
  durable: boolean;
  /** Found the database locked at least once (counted by the lock-wait observer). */
  waited?: boolean;
}

/** better-sqlite3 binds no Date or boolean: times go in as epoch ms (the `unixepoch-ms` format), booleans as 0/1. */
function bind(params: SqlParam[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (typeof p === 'object' && p instanceof Date) params[i] = p.getTime();
    else if (typeof p === 'boolean') params[i] = p ? 1 : 0;
  }
  return params;
}

export class SqliteConnection implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private committed = 0;
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
    /** Flushes the WAL for durable writes: the real file's, unless a test watches it. */
    readonly wal: FileSync = walSync(`${database.name}-wal`),
  ) {
    this.cache = new StatementCache(database);
    // async only for the interface's sake: each statement runs synchronously when called.
    this.sql = {
      dialect: 'sqlite',
      all: async <T>(text: string, ...params: SqlParam[]) => this.cache.get(text).all(...bind(params)) as T[],
      get: async <T>(text: string, ...params: SqlParam[]) => this.cache.get(text).get(...bind(params)) as T | undefined,
      run: async (text: string, ...params: SqlParam[]) => ({ changes: this.cache.get(text).run(...bind(params)).changes }),
    };
    this.writeTx = this.tx(this.hooks);
  }

  get commits(): number {
    return this.committed;
  }

  /**
   * Runs `fn` atomically when it is its turn, and resolves once that is committed. Nothing else
   * touches the connection until `fn` has settled; if it throws, everything it wrote is rolled back
   * and the promise rejects. `fn` must await nothing but its own SQL: the whole connection waits for it.
   *
   * Group commit: the writes that arrive while the connection is busy go in ONE IMMEDIATE
   * transaction (the write lock is taken up front, so another process cannot fail it half-way),
   * each inside its own savepoint. A commit is most of what a small write costs, so under load
   * this multiplies what the connection can accept; alone, a write is a transaction of its own.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, options: WriteOptions = {}): Promise<T> {
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
        setImmediate(() => void this.gate.turn.run(() => this.flush()));
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      try {
        this.cache.get('BEGIN IMMEDIATE').run();
      } catch (err) {
        if (isBusy(err)) return this.waitForLock(batch);
        throw err;
      }
      this.lockAcquired(batch);
      // A write alone (the usual case when the connection is not busy) needs no savepoint: if it
      // fails, the whole transaction is rolled back instead of committed.
      const alone = batch.length === 1;
      for (const item of batch) {
        if (!alone) this.cache.get('SAVEPOINT write').run();
        const mark = this.hooks.mark();
        try {
          outcomes.push({ ok: true, value: await item.fn(this.writeTx) });
        } catch (err) {
          this.hooks.dropSince(mark);
          if (!alone) this.cache.get('ROLLBACK TO write').run();
          outcomes.push({ ok: false, value: err });
        }
        if (!alone) this.cache.get('RELEASE write').run();
      }
      if (!alone || outcomes[0]?.ok) {
        this.cache.get('COMMIT').run();
        this.committed += 1;
      } else if (this.database.inTransaction) this.cache.get('ROLLBACK').run();
    } catch (err) {
      // The transaction itself failed (disk, a constraint at COMMIT): nothing in it was committed.
      this.hooks.dropSince(0);
      if (this.database.inTransaction) this.cache.get('ROLLBACK').run();
      for (const item of batch) item.reject(err);
      return;
    }
    this.hooks.run();
    // Durable writes resolve once the WAL is on disk (wal-sync.ts); the connection is free meanwhile.
    const synced = batch.some((item, i) => item.durable && outcomes[i]?.ok) ? this.wal.sync() : undefined;
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (!outcome?.ok) item.reject(outcome?.value);
      else if (item.durable && synced) synced.then(() => item.resolve(outcome.value), item.reject);
      else item.resolve(outcome.value);
    });
  }

  private tx(hooks: AfterCommit): Tx {
    return { dialect: 'sqlite', all: this.sql.all, get: this.sql.get, run: this.sql.run, afterCommit: hooks.add };
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
    if (this.busyAttempts > 0) setTimeout(() => void this.gate.turn.run(() => this.flush()), backoffMs(this.busyAttempts));
  }

  private lockAcquired(batch: PendingWrite[]): void {
    for (const item of batch) if (item.waited) this.gate.lockWait.observer.done('acquired');
    this.busyAttempts = 0;
  }

  /** One process owns the file: nothing else can run `fn` for the same key (see SqlDatabase.exclusive). */
  exclusive<T>(_key: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  /** Reads on a consistent, committed state: nothing writes the connection until `fn` has settled. */
  read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    const attempt = () => this.gate.turn.run(() => fn(this.sql));
    // WAL readers do not wait for writers; SQLITE_BUSY here is rare (recovery), and retried the same
    // way. Every API request reads its key here, so the usual path stays a single call.
    return attempt().catch((err: unknown) => (isBusy(err) ? retryWhileBusy(attempt, this.gate.deadline(), this.gate.lockWait.observer) : Promise.reject(err)));
  }
}

function gatedAdapter(adapter: SqlDriverAdapter, database: Database.Database, gate: SqliteGate): SqlDriverAdapter {
  const { observer } = gate.lockWait;
  // Prisma's statements outside a transaction take their turn (one run while a direct write awaits
  // would land inside its transaction); a write that finds the lock taken is tried again.
  const unlessBusy = <T>(statement: () => Promise<T>): Promise<T> => {
    const run = () => gate.turn.run(statement);
    return run().catch((err: unknown) => (isBusy(err) ? retryWhileBusy(run, gate.deadline(), observer) : Promise.reject(err)));
  };
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
    const release = await gate.turn.acquire();
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

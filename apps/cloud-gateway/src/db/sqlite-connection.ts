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
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { Mutex } from 'async-mutex';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

export type SqlParam = string | number | bigint | null | Buffer;

/** Synchronous SQL on the shared connection; only handed out where the gate is held. */
export interface Sql {
  all<T>(text: string, ...params: SqlParam[]): T[];
  get<T>(text: string, ...params: SqlParam[]): T | undefined;
  run(text: string, ...params: SqlParam[]): { changes: number };
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

/** Held by a Prisma transaction from BEGIN to its end, and by each batch of direct statements. */
export class SqliteGate {
  readonly mutex = new Mutex();

  /** Wraps Prisma's adapter factory so its transactions hold the gate. */
  factory(inner: SqlDriverAdapterFactory, onConnect: (database: Database.Database) => void): SqlDriverAdapterFactory {
    const mutex = this.mutex;
    return {
      provider: inner.provider,
      adapterName: inner.adapterName,
      async connect(): Promise<SqlDriverAdapter> {
        const adapter = await inner.connect();
        // The adapter keeps its better-sqlite3 Database as `client`: the connection we share.
        onConnect((adapter as unknown as { client: Database.Database }).client);
        return gatedAdapter(adapter, mutex);
      },
    };
  }
}

interface PendingWrite {
  fn: (sql: Sql) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export class SqliteConnection {
  private readonly cache: StatementCache;
  private readonly sql: Sql;
  private readonly pending: PendingWrite[] = [];
  private flushScheduled = false;

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
  write<T>(fn: (sql: Sql) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.atTurn(() => this.flush()));
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending.splice(0);
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.cache.get('BEGIN IMMEDIATE').run();
      for (const item of batch) {
        this.cache.get('SAVEPOINT write').run();
        try {
          outcomes.push({ ok: true, value: item.fn(this.sql) });
        } catch (err) {
          this.cache.get('ROLLBACK TO write').run();
          outcomes.push({ ok: false, value: err });
        }
        this.cache.get('RELEASE write').run();
      }
      this.cache.get('COMMIT').run();
    } catch (err) {
      // The transaction itself failed (lock timeout, disk): nothing in it was committed.
      if (this.database.inTransaction) this.cache.get('ROLLBACK').run();
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.value);
    });
  }

  /** Synchronous reads on a consistent, committed state. */
  read<T>(fn: (sql: Sql) => T): Promise<T> {
    return this.atTurn(() => fn(this.sql));
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
   * The same connection from inside a Prisma interactive transaction (`db.$transaction(async tx => …)`):
   * that transaction holds the gate, so these statements are part of it. Throws when no transaction is open.
   */
  inTransaction(): Sql {
    if (!this.database.inTransaction) throw new Error('SqliteConnection.inTransaction() called outside a transaction');
    return this.sql;
  }
}

function gatedAdapter(adapter: SqlDriverAdapter, gate: Mutex): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (q: SqlQuery) => adapter.queryRaw(q),
    executeRaw: (q: SqlQuery) => adapter.executeRaw(q),
    executeScript: (script: string) => adapter.executeScript(script),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    async startTransaction(isolationLevel): Promise<Transaction> {
      const release = await gate.acquire();
      try {
        const tx = await adapter.startTransaction(isolationLevel);
        let released = false;
        const done = () => {
          if (!released) release();
          released = true;
        };
        // Prisma sends COMMIT/ROLLBACK as SQL through the transaction, then calls commit()/rollback().
        return {
          provider: tx.provider,
          adapterName: tx.adapterName,
          options: tx.options,
          queryRaw: (q: SqlQuery) => tx.queryRaw(q),
          executeRaw: (q: SqlQuery) => tx.executeRaw(q),
          createSavepoint: tx.createSavepoint?.bind(tx),
          rollbackToSavepoint: tx.rollbackToSavepoint?.bind(tx),
          releaseSavepoint: tx.releaseSavepoint?.bind(tx),
          commit: () => tx.commit().finally(done),
          rollback: () => tx.rollback().finally(done),
        };
      } catch (err) {
        release();
        throw err;
      }
    },
  };
}

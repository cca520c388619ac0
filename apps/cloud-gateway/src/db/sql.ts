// The interface the cloud's hot paths write SQL through, whichever database is underneath
// (sqlite-connection.ts today; Postgres for operators who outgrow one machine, issue #22).
//
// The SQL is written once for both: identifiers double-quoted (Postgres folds unquoted names to
// lower case), `?` placeholders (the Postgres side numbers them), timestamps bound as `Date` and
// read back as epoch milliseconds, counts read back as numbers. Where the dialects really differ
// (claims with SKIP LOCKED, id lists) the SQL asks `dialect` or uses the helpers in shared/sql-lists.ts.

/** A string[] only where `idList` put it (Postgres arrays); SQLite binds none. */
export type SqlParam = string | number | bigint | boolean | null | Buffer | Date | readonly string[];
export type Dialect = 'sqlite' | 'postgres';
/** A BOOLEAN column as direct SQL reads it: 0/1 from SQLite, true/false from Postgres. Read it through Boolean(). */
export type SqlBoolean = number | boolean;

/** SQL on the shared database; only handed out inside a read or a write. */
export interface Sql {
  readonly dialect: Dialect;
  all<T>(text: string, ...params: SqlParam[]): Promise<T[]>;
  get<T>(text: string, ...params: SqlParam[]): Promise<T | undefined>;
  run(text: string, ...params: SqlParam[]): Promise<{ changes: number }>;
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

export interface WriteOptions {
  /** Waits this long for another process's write lock instead of the connection's default, in ms. */
  lockWaitMs?: number;
  /**
   * Resolves only once the commit is on disk: it survives a power loss, not only a crash of the
   * process (WAL with synchronous=NORMAL may lose the last commits to a power loss). On SQLite the
   * WAL is flushed after COMMIT, off the event loop (wal-sync.ts); if that flush fails, the write
   * rejects although it is committed, so a durable write must be safe to find done. Its afterCommit
   * hooks run at COMMIT, before the flush.
   */
  durable?: boolean;
}

/** The row locks a claim takes on Postgres, so that replicas claiming at once skip each other's rows instead of waiting; SQLite has one writer. */
export function skipLocked(sql: Sql): string {
  return sql.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
}

/**
 * A list of ids as ONE parameter, so the statement has one text whatever the list's length (prepared
 * once): `IN (SELECT value FROM json_each(?))` with a JSON array on SQLite, `= ANY(?)` with an array on Postgres.
 */
export function idList(sql: Sql, ids: readonly string[]): { match: string; param: SqlParam } {
  return sql.dialect === 'postgres' ? { match: '= ANY(?)', param: ids } : { match: 'IN (SELECT value FROM json_each(?))', param: JSON.stringify(ids) };
}

/**
 * Postgres: takes the tenant's row lock until the transaction ends, so a check-then-write of one
 * tenant (is a sync running? does this event id exist?) runs one at a time across replicas. On
 * SQLite the write lock, taken at BEGIN IMMEDIATE, does that already.
 */
export async function lockTenant(sql: Sql, tenantId: string): Promise<void> {
  if (sql.dialect === 'postgres') await sql.run('SELECT 1 FROM "Tenant" WHERE id = ? FOR UPDATE', tenantId);
}

/** Epoch ms as a `Date` (null stays null): a bind for a DateTime column (SQLite stores the number, Postgres a timestamptz), or a column read back. */
export function at(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

/** The database's direct SQL path: atomic writes and consistent reads. */
export interface SqlDatabase {
  readonly dialect: Dialect;
  /**
   * Runs `fn` in a transaction and resolves once it has committed; if `fn` throws, everything it
   * wrote is rolled back and the promise rejects. `fn` awaits only its own SQL: on SQLite nothing
   * else uses the connection until it returns.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** Reads on committed state. */
  read<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * How many write transactions this process has committed so far: whoever keeps something it read
   * can tell whether this process has changed the database since (auth-version.ts).
   */
  readonly commits: number;
  /**
   * Runs `fn` while no other process of this database runs one for the same key (Postgres: a
   * transaction-scoped advisory lock on a lock connection of its own until `fn` settles, nested
   * sections share it — postgres/exclusive-sections.ts; SQLite: one process, so `fn` just runs and
   * callers order their own tasks in-process, shared/keyed-serializer.ts). `fn` may await anything
   * (a DingTalk call, the database); it is not a transaction.
   */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
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

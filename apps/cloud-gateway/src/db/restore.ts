// `admin restore <backup>`: puts a backup (from `admin backup`) in place of the cloud's database.
//
// Refused unless it is safe: the backup must pass SQLite's integrity check and hold only migrations
// this version knows (a backup from a newer release would run against code that does not know its
// schema); an existing database is replaced only with --replace, and never while a process holds it
// open. How that is seen: in WAL mode every open connection holds SQLite's shared-memory lock, and
// leaving WAL mode (journal_mode=DELETE) needs every other connection gone — SQLite answers BUSY
// while a cloud, the admin CLI or a sqlite3 shell has the file open, idle or not.
//
// What the restored cloud promises (README "Data lifecycle"): everything the backup holds is
// delivered, each event applied once by the store (its processed_events knows the ids it already
// has). Events written after the backup are not in it. Their seqs may already be at the store, so
// every tenant's numbering jumps `seqGap` ahead and the skipped range is recorded: a store whose
// cursor is inside it is answered 410 events_pruned and resyncs its directory (catch-up.worker.ts),
// instead of waiting for seqs that will now never come or taking new events for ones it has.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '@dtg/service-kit';

export interface RestoreOptions {
  /** The backup file. */
  from: string;
  /** The cloud's database file (CLOUD_DATABASE_URL's path). */
  target: string;
  migrationsDir: string;
  /** Replace an existing database (not one in use). */
  replace: boolean;
  /** Seqs every tenant's numbering jumps after the restore; more than the events written since the backup. */
  seqGap: number;
  /** Applies this version's migrations to the copy before it goes in place. */
  migrate: (file: string) => Promise<void>;
}

export interface RestoreResult {
  file: string;
  from: string;
  bytes: number;
  migrations: number;
  tenants: { id: string; lastSeqInBackup: number; nextSeq: number }[];
}

function refuse(message: string): never {
  throw new AppError('conflict', message);
}

/** Integrity and schema of the backup; returns how many migrations it holds. */
function checkBackup(file: string, migrationsDir: string): number {
  if (!existsSync(file)) throw new AppError('validation_failed', `backup ${file} does not exist`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') refuse(`backup ${file} fails SQLite's integrity check: ${String(integrity)}`);
    const hasTable = (name: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
    if (!hasTable('_prisma_migrations') || !hasTable('Tenant')) refuse(`${file} is not a cloud database (no migrations table or Tenant table)`);
    const applied = db
      .prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')
      .pluck()
      .all() as string[];
    const known = new Set(readdirSync(migrationsDir).filter((name) => /^\d{14}_/.test(name)));
    const unknown = applied.filter((name) => !known.has(name));
    if (unknown.length > 0)
      refuse(`backup ${file} has migrations this version does not know (${unknown.join(', ')}): restore it with the release that made it`);
    return applied.length;
  } finally {
    db.close();
  }
}

/** Refuses when any process has the database open (see the opening comment); leaves it out of WAL mode. */
function ensureNotInUse(file: string): void {
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY')
      refuse(`${file} is in use (a running cloud, the admin CLI or a sqlite3 shell has it open): stop the cloud first`);
    throw err;
  } finally {
    db.close();
  }
}

export async function restoreDatabase(opts: RestoreOptions): Promise<RestoreResult> {
  const from = path.resolve(opts.from);
  const target = path.resolve(opts.target);
  if (from === target) throw new AppError('validation_failed', 'the backup is the database itself');
  const migrations = checkBackup(from, opts.migrationsDir);
  if (existsSync(target)) {
    if (!opts.replace) refuse(`${target} exists: pass --replace to replace it (the cloud must be stopped)`);
    ensureNotInUse(target);
  }

  // Copied beside the target with SQLite's backup API, migrated and renumbered there, then renamed
  // over it: a failure half-way leaves the old database untouched.
  const work = `${target}.restoring`;
  for (const leftover of [work, `${work}-wal`, `${work}-shm`, `${work}-journal`]) rmSync(leftover, { force: true });
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await source.backup(work);
  } finally {
    source.close();
  }
  await opts.migrate(work);
  const tenants = renumber(work, opts.seqGap);

  if (existsSync(target)) ensureNotInUse(target);
  // The old file's journal files belong to it: SQLite would apply them to the restored one.
  for (const stale of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) rmSync(stale, { force: true });
  renameSync(work, target);
  return { file: target, from, bytes: statSync(target).size, migrations, tenants };
}

/** Every tenant's next seq jumps `gap` ahead; the skipped range is recorded for the pull route. */
function renumber(file: string, gap: number): RestoreResult['tenants'] {
  const db = new Database(file, { fileMustExist: true });
  try {
    // Out of WAL mode (the migration may have set it), so the single file is the whole database.
    const before = db.prepare('SELECT id, lastSeq FROM Tenant ORDER BY id').all() as { id: string; lastSeq: number }[];
    db.prepare('UPDATE Tenant SET seqGapAfter = lastSeq, seqGapThrough = lastSeq + ?, lastSeq = lastSeq + ?').run(gap, gap);
    db.pragma('journal_mode = DELETE');
    return before.map((t) => ({ id: t.id, lastSeqInBackup: t.lastSeq, nextSeq: t.lastSeq + gap + 1 }));
  } finally {
    db.close();
  }
}

// A consistent copy of the cloud's SQLite file while the cloud runs: VACUUM INTO reads one
// snapshot (a read transaction, which in WAL mode neither waits for the cloud's writes nor holds
// them up) and writes a compacted copy. Copying the file itself would miss what is still in the
// WAL, or catch a checkpoint half-way. On Postgres, backups are the server's (pg_dump, PITR).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError, validationError } from '@dtg/service-kit';
import type { SqliteConnection } from './sqlite-connection';

export function backupDatabase(sqlite: SqliteConnection | undefined, target: string): { file: string; bytes: number } {
  if (!sqlite) {
    throw new AppError('validation_failed', 'the cloud runs on Postgres: back it up with pg_dump or point-in-time recovery (docs/scaling-out.md)');
  }
  const file = path.resolve(target);
  if (existsSync(file)) throw validationError([{ path: '--to', message: `${file} exists; a backup never overwrites a file` }]);
  sqlite.database.prepare('VACUUM INTO ?').run(file);
  return { file, bytes: statSync(file).size };
}

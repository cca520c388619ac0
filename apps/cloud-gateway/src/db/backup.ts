// A consistent copy of the cloud's SQLite file while the cloud runs: VACUUM INTO reads one
// snapshot (a read transaction, which in WAL mode neither waits for the cloud's writes nor holds
// them up) and writes a compacted copy. Copying the file itself would miss what is still in the
// WAL, or catch a checkpoint half-way.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { validationError } from '@dtg/service-kit';
import type { SqliteConnection } from './sqlite-connection';

export function backupDatabase(sqldb: SqliteConnection, target: string): { file: string; bytes: number } {
  const file = path.resolve(target);
  if (existsSync(file)) throw validationError([{ path: '--to', message: `${file} exists; a backup never overwrites a file` }]);
  sqldb.database.prepare('VACUUM INTO ?').run(file);
  return { file, bytes: statSync(file).size };
}

// Row counts of every table on both sides: the cloud's SQLite file (read beside the running cloud;
// WAL allows it) and the store's Postgres. Equal snapshots before and after = nothing was written.
import Database from 'better-sqlite3';
import type { Pool } from 'pg';

export type RowCounts = Record<string, number>;

export function sqliteRowCounts(file: string): RowCounts {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [`cloud.${name}`, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

export async function postgresRowCounts(pool: Pool): Promise<RowCounts> {
  const { rows: tables } = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const { rows } = await pool.query<{ name: string; n: number }>(
    tables.map(({ name }) => `SELECT '${name}' AS name, count(*)::int AS n FROM "${name}"`).join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map(({ name, n }) => [`local.${name}`, n]));
}

export async function rowCounts(stack: { cloudDbFile: string; db: Pool }): Promise<RowCounts> {
  return { ...sqliteRowCounts(stack.cloudDbFile), ...(await postgresRowCounts(stack.db)) };
}

// Everything both sides keep at rest, as one text to search for credentials: every row of every
// table of the cloud's SQLite file and of the local store's Postgres database.
import Database from 'better-sqlite3';
import type { Pool } from 'pg';

function sqliteText(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    return tables
      .map((name) => `${name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`)
      .join('\n');
  } finally {
    db.close();
  }
}

async function postgresText(pool: Pool): Promise<string> {
  const { rows: tables } = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const parts = await Promise.all(tables.map(async ({ name }) => `${name}: ${JSON.stringify((await pool.query(`SELECT * FROM "${name}"`)).rows)}`));
  return parts.join('\n');
}

export async function storedText(stack: { cloudDbFile: string; db: Pool }): Promise<string> {
  return `${sqliteText(stack.cloudDbFile)}\n${await postgresText(stack.db)}`;
}

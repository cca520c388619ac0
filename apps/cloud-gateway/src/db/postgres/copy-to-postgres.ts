// `admin db copy-to-postgres <url>` (issue #22, preview): copies a cloud's SQLite database into a
// Postgres database migrated with prisma/postgres/migrations, for the move to Postgres.
//
// - One snapshot: SQLite is read inside one read transaction (WAL), so a cloud still running keeps
//   working and the copy is consistent as of its start; what it writes afterwards is not copied.
// - All or nothing: every row goes in one Postgres transaction, so a failed copy leaves the target
//   empty and the command can simply be run again.
// - Exact: ids, seqs and sealed secrets are copied as stored (text untouched, integers as bigints);
//   identity sequences continue after the highest id SQLite ever handed out.
// - Checked: a target with any row is refused; the table and column sets must match the SQLite ones
//   (a migration without its Postgres counterpart is named); row counts per table are compared after commit.
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { AppError } from '@dtg/service-kit';
import { isKnownType, toPostgres, type PostgresType } from './column-values';

export interface CopyOptions {
  /** The cloud's SQLite database file. */
  sqliteFile: string;
  /** postgres:// or postgresql:// URL; `?schema=` picks the schema (as for Prisma). */
  postgresUrl: string;
  /** Applies the Postgres migrations to the target (prisma migrate deploy). */
  migrate: (postgresUrl: string) => Promise<void>;
  /** Rows per INSERT (fewer for wide tables: Postgres takes at most 65535 parameters). */
  batchSize?: number;
  onTable?: (table: string, rows: number) => void;
}

export interface CopyResult {
  /** The target URL without its password. */
  target: string;
  /** Rows copied per table, in the order they were copied (parents first). */
  tables: Record<string, number>;
  rows: number;
}

/** Written by the migrations themselves (AuthVersion's row): replaced by the source's, after every trigger that moves them has fired. */
const SEEDED_TABLES = new Set(['AuthVersion']);
const MIGRATIONS_TABLE = '_prisma_migrations';
const MAX_PARAMETERS = 65_535;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** The target's URL for node-postgres and its schema; a URL that is not Postgres is refused naming it. */
export function parseTarget(url: string): { connectionString: string; schema: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('validation_failed', '--to (the target database) must be a postgresql:// or postgres:// URL');
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:')
    throw new AppError('validation_failed', '--to (the target database) must be a postgresql:// or postgres:// URL');
  // `?schema=` is Prisma's; node-postgres does not know it, so it becomes the search_path here.
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

interface TargetTable {
  name: string;
  columns: Map<string, PostgresType>;
  /** Columns filled by a sequence (autoincrement ids). */
  serial: string[];
}

async function describeTarget(pg: Client): Promise<Map<string, TargetTable>> {
  const { rows } = await pg.query<{ table_name: string; column_name: string; data_type: string; serial: boolean }>(
    `SELECT table_name, column_name, data_type, column_default LIKE 'nextval(%' AS serial
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> $1 ORDER BY table_name, ordinal_position`,
    [MIGRATIONS_TABLE],
  );
  const tables = new Map<string, TargetTable>();
  for (const row of rows) {
    const type = row.data_type;
    if (!isKnownType(type)) throw new Error(`${row.table_name}.${row.column_name}: the copy does not know Postgres type ${type}`);
    const table: TargetTable = tables.get(row.table_name) ?? { name: row.table_name, columns: new Map<string, PostgresType>(), serial: [] };
    table.columns.set(row.column_name, type);
    if (row.serial) table.serial.push(row.column_name);
    tables.set(row.table_name, table);
  }
  return tables;
}

/** Parents before children (foreign keys), each level alphabetical; seeded tables last. */
async function copyOrder(pg: Client, tables: string[]): Promise<string[]> {
  const { rows } = await pg.query<{ child: string; parent: string }>(
    `SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint c
       JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const order: string[] = [];
  const placed = new Set<string>();
  let left = tables.filter((t) => !SEEDED_TABLES.has(t)).sort();
  while (left.length > 0) {
    const ready = left.filter((t) => rows.every((fk) => fk.child !== t || fk.parent === t || placed.has(fk.parent)));
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${left.join(', ')}`);
    for (const t of ready) placed.add(t);
    order.push(...ready);
    left = left.filter((t) => !placed.has(t));
  }
  return [...order, ...tables.filter((t) => SEEDED_TABLES.has(t)).sort()];
}

function sqliteColumns(sqlite: Database.Database, table: string): string[] {
  return (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
}

/** The table and column sets must be the same on both sides: a difference is a migration that has no counterpart. */
function checkSameSchema(sqlite: Database.Database, target: Map<string, TargetTable>): string[] {
  const tables = (
    sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? ORDER BY name`).all(MIGRATIONS_TABLE) as {
      name: string;
    }[]
  ).map((t) => t.name);
  const problems: string[] = [];
  for (const table of tables) {
    const pg = target.get(table);
    if (!pg) {
      problems.push(`table ${table} is missing in Postgres`);
      continue;
    }
    const columns = sqliteColumns(sqlite, table);
    for (const c of columns) if (!pg.columns.has(c)) problems.push(`column ${table}.${c} is missing in Postgres`);
    for (const c of pg.columns.keys()) if (!columns.includes(c)) problems.push(`column ${table}.${c} is not in SQLite`);
  }
  for (const table of target.keys()) if (!tables.includes(table)) problems.push(`table ${table} is not in SQLite`);
  if (problems.length > 0) {
    throw new AppError(
      'conflict',
      `the Postgres schema does not match this cloud's SQLite schema (a migration without its Postgres counterpart?): ${problems.join('; ')}`,
    );
  }
  return tables;
}

async function refuseNonEmpty(pg: Client, tables: string[]): Promise<void> {
  const used: string[] = [];
  for (const table of tables.filter((t) => !SEEDED_TABLES.has(t))) {
    const { rows } = await pg.query<{ used: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${q(table)}) AS used`);
    if (rows[0]?.used) used.push(table);
  }
  if (used.length > 0) throw new AppError('conflict', `the target database is not empty (rows in ${used.join(', ')}); copy into a new, empty database`);
}

async function copyTable(sqlite: Database.Database, pg: Client, table: TargetTable, batchSize: number): Promise<number> {
  const columns = [...table.columns.keys()];
  const perInsert = Math.max(1, Math.min(batchSize, Math.floor(MAX_PARAMETERS / columns.length)));
  // Keyset pages by rowid: each page is a fresh, short statement inside the same read snapshot.
  const page = sqlite
    .prepare(`SELECT rowid AS "__rowid", ${columns.map(q).join(', ')} FROM ${q(table.name)} WHERE rowid > ? ORDER BY rowid LIMIT ?`)
    .safeIntegers(true);
  if (SEEDED_TABLES.has(table.name)) await pg.query(`DELETE FROM ${q(table.name)}`);
  let after = -(2n ** 63n);
  let copied = 0;
  for (;;) {
    const rows = page.all(after, perInsert) as Record<string, unknown>[];
    if (rows.length === 0) break;
    const params: unknown[] = [];
    const tuples = rows.map((row) => {
      const slots = columns.map((c) => {
        params.push(toPostgres(row[c], table.columns.get(c) as PostgresType, `${table.name}.${c}`));
        return `$${params.length}`;
      });
      return `(${slots.join(', ')})`;
    });
    await pg.query(`INSERT INTO ${q(table.name)} (${columns.map(q).join(', ')}) VALUES ${tuples.join(', ')}`, params);
    copied += rows.length;
    after = (rows[rows.length - 1] as { __rowid: bigint }).__rowid;
  }
  return copied;
}

/** Sequences continue after the highest id SQLite handed out (sqlite_sequence remembers ids of deleted rows too). */
async function advanceSequences(sqlite: Database.Database, pg: Client, table: TargetTable): Promise<void> {
  const hasSequences = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`).get() !== undefined;
  const handedOut = hasSequences
    ? ((sqlite.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').safeIntegers(true).get(table.name) as { seq: bigint } | undefined)?.seq ?? 0n)
    : 0n;
  for (const column of table.serial) {
    await pg.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST($3::bigint, COALESCE((SELECT max(${q(column)}) FROM ${q(table.name)}), 0), 1),
                     GREATEST($3::bigint, COALESCE((SELECT max(${q(column)}) FROM ${q(table.name)}), 0)) > 0)`,
      [q(table.name), column, handedOut.toString()],
    );
  }
}

export async function copyToPostgres(options: CopyOptions): Promise<CopyResult> {
  const { connectionString, schema } = parseTarget(options.postgresUrl);
  await options.migrate(options.postgresUrl);
  const sqlite = new Database(options.sqliteFile, { readonly: true, fileMustExist: true });
  const pg = new Client({ connectionString });
  await pg.connect();
  try {
    await pg.query(`SET search_path TO ${q(schema)}`);
    sqlite.exec('BEGIN');
    const target = await describeTarget(pg);
    const tables = checkSameSchema(sqlite, target);
    await refuseNonEmpty(pg, tables);
    const order = await copyOrder(pg, tables);

    const copied: { table: string; rows: number }[] = [];
    await pg.query('BEGIN');
    try {
      for (const name of order) {
        const table = target.get(name) as TargetTable;
        const rows = await copyTable(sqlite, pg, table, options.batchSize ?? 500);
        await advanceSequences(sqlite, pg, table);
        copied.push({ table: name, rows });
        options.onTable?.(name, rows);
      }
      await pg.query('COMMIT');
    } catch (err) {
      await pg.query('ROLLBACK');
      throw err;
    }

    // What is in Postgres now, against the snapshot that was copied (still open).
    const differ: string[] = [];
    for (const { table } of copied) {
      const inSqlite = Number((sqlite.prepare(`SELECT count(*) AS n FROM ${q(table)}`).get() as { n: number }).n);
      const { rows } = await pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(table)}`);
      if (Number(rows[0]?.n) !== inSqlite) differ.push(`${table}: SQLite ${inSqlite}, Postgres ${rows[0]?.n}`);
    }
    if (differ.length > 0) throw new Error(`row counts differ after the copy: ${differ.join('; ')}`);
    sqlite.exec('COMMIT');
    return {
      target: redactUrl(options.postgresUrl),
      tables: Object.fromEntries(copied.map((t) => [t.table, t.rows])),
      rows: copied.reduce((sum, t) => sum + t.rows, 0),
    };
  } finally {
    await pg.end();
    sqlite.close();
  }
}

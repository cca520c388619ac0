// The cloud's Postgres migrations (prisma/postgres/migrations, issue #22) on a real Postgres: applied
// with the real Prisma CLI and the offline engine, no drift against prisma/postgres/schema.prisma, and
// the same database as the SQLite migrations build — so a SQLite migration without its Postgres
// counterpart (or the other way round) fails here, naming what differs.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { readdirSync } from 'node:fs';
import { WIDE_INTS } from '../prisma/postgres-schema';
import { deployMigrations, migrationsFor } from '../src/db/migrations';
import { migratedDbFile } from './support/cloud-harness';
import { createPostgresDatabase, POSTGRES_PRISMA_CONFIG, type PostgresDatabase } from './support/postgres-database';

jest.setTimeout(120_000);

const run = promisify(execFile);

/** What both databases must agree on, one line per fact, sorted: tables, columns, indexes, foreign keys, triggers. */
type Shape = string[];

/** SQLite's declared types as the Postgres types the generated schema gives the same Prisma field. */
const SQLITE_TYPES: Record<string, string> = { TEXT: 'text', INTEGER: 'integer', BIGINT: 'bigint', BOOLEAN: 'boolean', DATETIME: 'timestamptz' };
const PG_TYPES: Record<string, string> = { text: 'text', integer: 'integer', bigint: 'bigint', boolean: 'boolean', 'timestamp with time zone': 'timestamptz' };
const ON_DELETE: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** Defaults as both write them: Postgres adds casts (`'[]'::text`); rowid keys have a sequence on Postgres only. */
function normalDefault(value: string | null): string {
  if (value === null || value.startsWith('nextval(')) return 'none';
  return value.replace(/::[a-z ]+$/, '');
}

function sqliteShape(file: string): Shape {
  const db = new Database(file, { readonly: true });
  try {
    const shape: Shape = [];
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    for (const table of tables) {
      shape.push(`table ${table}`);
      for (const c of db.prepare('SELECT name, type, "notnull", dflt_value FROM pragma_table_info(?)').all(table) as {
        name: string;
        type: string;
        notnull: number;
        dflt_value: string | null;
      }[]) {
        // SQLite's INTEGER is 64-bit: a wide int (prisma/postgres-schema.ts) is Postgres's bigint.
        const type = WIDE_INTS.has(`${table}.${c.name}`) && c.type === 'INTEGER' ? 'bigint' : (SQLITE_TYPES[c.type] ?? c.type);
        shape.push(`column ${table}.${c.name} ${type}${c.notnull ? ' not null' : ''} default ${normalDefault(c.dflt_value)}`);
      }
      for (const fk of db.prepare('SELECT "table", "from", on_delete FROM pragma_foreign_key_list(?)').all(table) as {
        table: string;
        from: string;
        on_delete: string;
      }[]) {
        shape.push(`foreign key ${table}.${fk.from} -> ${fk.table} on delete ${fk.on_delete}`);
      }
    }
    for (const index of db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as {
      name: string;
      tbl_name: string;
    }[]) {
      const columns = (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(index.name) as { name: string }[]).map((c) => c.name);
      shape.push(`index ${index.name} on ${index.tbl_name} (${columns.join(', ')})`);
    }
    for (const trigger of db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; tbl_name: string }[]) {
      shape.push(`trigger ${trigger.name} on ${trigger.tbl_name}`);
    }
    return shape.sort();
  } finally {
    db.close();
  }
}

async function postgresShape(pg: PostgresDatabase): Promise<Shape> {
  const shape: Shape = [];
  const columns = await pg.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'",
  );
  for (const table of new Set(columns.map((c) => c.table_name))) shape.push(`table ${table}`);
  for (const c of columns) {
    shape.push(
      `column ${c.table_name}.${c.column_name} ${PG_TYPES[c.data_type] ?? c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''} default ${normalDefault(c.column_default)}`,
    );
  }
  const fks = await pg.query<{ child: string; parent: string; column: string; on_delete: string }>(
    `SELECT child.relname AS child, parent.relname AS parent, a.attname AS column, c.confdeltype AS on_delete
       FROM pg_constraint c JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`,
  );
  for (const fk of fks) shape.push(`foreign key ${fk.child}.${fk.column} -> ${fk.parent} on delete ${ON_DELETE[fk.on_delete] ?? fk.on_delete}`);
  const indexes = await pg.query<{ index: string; table: string; columns: string }>(
    `SELECT i.relname AS index, t.relname AS table,
            array_to_string(array(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), ', ') AS columns
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relnamespace = 'public'::regnamespace AND NOT x.indisprimary AND t.relname <> '_prisma_migrations'`,
  );
  for (const index of indexes) shape.push(`index ${index.index} on ${index.table} (${index.columns})`);
  const triggers = await pg.query<{ name: string; table: string }>(
    "SELECT t.tgname AS name, c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace",
  );
  for (const trigger of triggers) shape.push(`trigger ${trigger.name} on ${trigger.table}`);
  return shape.sort();
}

async function prisma(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [require.resolve('prisma/build/index.js'), ...args, '--config', POSTGRES_PRISMA_CONFIG], {
      cwd: path.dirname(POSTGRES_PRISMA_CONFIG),
      env: { ...process.env, CLOUD_DATABASE_URL: pg.url, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

let pg: PostgresDatabase;

beforeAll(async () => {
  pg = await createPostgresDatabase();
  await pg.migrate();
});
afterAll(async () => {
  await pg.drop();
});

describe('the cloud on Postgres: migrations', () => {
  it('when three replicas start at once on an empty database, then each start-up deploy succeeds and every migration is applied once', async () => {
    const fresh = await createPostgresDatabase();
    try {
      await Promise.all([1, 2, 3].map(() => deployMigrations(fresh.url)));
      const applied = await fresh.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL');
      const folders = readdirSync(migrationsFor(fresh.url).dir, { withFileTypes: true }).filter((e) => e.isDirectory());
      expect(applied.map((m) => m.migration_name).sort()).toEqual(folders.map((f) => f.name).sort());
    } finally {
      await fresh.drop();
    }
  });

  it('when the Postgres migrations are applied, then status is up to date and the engine finds no drift against prisma/postgres/schema.prisma', async () => {
    const status = await prisma('migrate', 'status');
    expect(status).toMatchObject({ code: 0 });
    expect(status.stdout).toContain('Database schema is up to date!');
    const drift = await prisma('migrate', 'diff', '--from-config-datasource', '--to-schema', 'prisma/postgres/schema.prisma', '--exit-code');
    expect(drift).toMatchObject({ code: 0 });
    expect(drift.stdout).toContain('No difference detected.');
  });

  it('when both histories are applied, then SQLite and Postgres have the same tables, columns, defaults, indexes, foreign keys and triggers (a migration on one side only shows here)', async () => {
    const file = await migratedDbFile();
    const shape = sqliteShape(file);
    // Sanity: the comparison sees the parts a migration adds, not just table names.
    expect(shape).toEqual(
      expect.arrayContaining([
        'column MessageChunk.taskId bigint default none',
        "column Tenant.receiptLevel text not null default 'read'",
        'column Tenant.createdAt timestamptz not null default CURRENT_TIMESTAMP',
        'foreign key ApiKey.tenantId -> Tenant on delete CASCADE',
        'index Message_status_updatedAt_idx on Message (status, updatedAt)',
        'trigger AuthVersion_userTokenCutoff_update on UserTokenCutoff',
      ]),
    );
    expect(await postgresShape(pg)).toEqual(shape);
  });

  it('when what an API key authenticates to changes on Postgres, then the triggers move AuthVersion as on SQLite, and lastUsedAt does not', async () => {
    const version = async () => (await pg.query<{ version: number }>('SELECT version FROM "AuthVersion" WHERE id = 1'))[0]?.version;
    expect(await version()).toBe(0);
    await pg.query(
      `INSERT INTO "Tenant" (id, name, "corpId", mode, "webhookSecretEnc", "updatedAt") VALUES ('ten_t', 'T', 'corp', 'internal', 'v1.a.b.c', now())`,
    );
    await pg.query(`INSERT INTO "ApiKey" (id, "tenantId", prefix, hash) VALUES ('key_t', 'ten_t', 'dtg_x', 'h')`);
    await pg.query(`UPDATE "ApiKey" SET "lastUsedAt" = now() WHERE id = 'key_t'`);
    expect(await version()).toBe(0);
    await pg.query(`UPDATE "ApiKey" SET "revokedAt" = now() WHERE id = 'key_t'`);
    await pg.query(`INSERT INTO "RevokedUserToken" ("tenantId", jti, "revokedAt", "expiresAt") VALUES ('ten_t', 'j1', now(), now())`);
    await pg.query(`DELETE FROM "Tenant" WHERE id = 'ten_t'`);
    // revokedAt, the revocation row, the tenant's delete and its key's cascaded delete.
    expect(await version()).toBe(4);
  });
});

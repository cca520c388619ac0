// The engine executable on its own: the command line, the side commands' error format and the
// JSON-RPC contract, plus the adapter gaps it covers that the CLI life cycle does not reach.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { enginesVersion } from '@prisma/engines-version';
import { runEngine, sideCommandError, startRpcEngine } from './test/engine-process';

const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const pgUrl = (database: string, search = '') => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  url.search = search;
  return url.toString();
};

async function onServer<T>(database: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: pgUrl(database) });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const noFilters = { externalTables: [], externalEnums: [] };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'schema-engine-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the schema-engine command line', () => {
  test('when asked for its version, then it names the engine version the CLI expects', async () => {
    const result = await runEngine(['--version'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^schema-engine-cli ${enginesVersion}`));
  });

  test('when a SQLite file is missing, then can-connect reports P1003 and create-database creates it', async () => {
    const datasource = JSON.stringify({ url: 'file:./nested/app.db' });
    const missing = await runEngine(['--datasource', datasource, 'cli', 'can-connect-to-database'], dir);
    expect(missing.code).not.toBe(0);
    expect(sideCommandError(missing.stderr)).toMatchObject({ error_code: 'P1003' });

    expect((await runEngine(['--datasource', datasource, 'cli', 'create-database'], dir)).code).toBe(0);
    expect(existsSync(path.join(dir, 'nested', 'app.db'))).toBe(true);
    expect((await runEngine(['--datasource', datasource, 'cli', 'can-connect-to-database'], dir)).code).toBe(0);
  });

  test('when a Postgres database is missing or the server unreachable, then the codes are P1003 and P1001', async () => {
    const missing = await runEngine(
      ['--datasource', JSON.stringify({ url: pgUrl(`absent_${randomUUID().slice(0, 8)}`) }), 'cli', 'can-connect-to-database'],
      dir,
    );
    expect(sideCommandError(missing.stderr)).toMatchObject({ error_code: 'P1003' });
    const closed = await runEngine(['--datasource', JSON.stringify({ url: 'postgresql://postgres@127.0.0.1:1/x' }), 'cli', 'can-connect-to-database'], dir);
    expect(sideCommandError(closed.stderr)).toMatchObject({ error_code: 'P1001' });
  });
});

describe('the JSON-RPC contract', () => {
  test('when diffing, then the script arrives as a print request before the result', async () => {
    const engine = startRpcEngine({ url: 'file:./diff.db' }, dir);
    const schema = 'datasource db {\n  provider = "sqlite"\n}\n\nmodel Note {\n  id Int @id\n}\n';
    try {
      const response = await engine.call('diff', {
        from: { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
        script: true,
        exitCode: null,
        filters: noFilters,
      });
      expect(response.result).toEqual({ exitCode: 0 });
      expect(engine.printed.join('')).toContain('CREATE TABLE "Note"');
      expect(existsSync(path.join(dir, 'diff.db'))).toBe(false);
    } finally {
      expect(await engine.close()).toBe(0);
    }
  });

  test('when a request fails, then the error carries the Prisma code in data and the engine keeps serving', async () => {
    const engine = startRpcEngine({ url: 'file:./errors.db' }, dir);
    try {
      const bad = await engine.call('schemaPush', { force: false, schema: { files: [{ path: 's.prisma', content: 'model {' }] }, filters: noFilters });
      expect(bad.error).toMatchObject({ code: 4466, data: { is_panic: false, error_code: 'P1012' } });
      const ok = await engine.call('ensureConnectionValidity', { datasource: { tag: 'ConnectionString', url: 'file:./errors.db' } });
      expect(ok.result).toEqual({});
    } finally {
      await engine.close();
    }
  });
});

describe('Postgres gaps', () => {
  const database = `schema_engine_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(async () => {
    await onServer(new URL(serverUrl).pathname.slice(1) || 'postgres', `CREATE DATABASE "${database}"`);
  });

  afterAll(async () => {
    await onServer(new URL(serverUrl).pathname.slice(1) || 'postgres', `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  test('when a migration has a $$ function body and the URL has ?schema=, then it applies whole in that schema', async () => {
    const url = pgUrl(database, '?schema=gaps');
    const script = [
      'CREATE TABLE counter (n int);',
      'CREATE FUNCTION bump() RETURNS trigger AS $$ BEGIN NEW.n := NEW.n + 1; RETURN NEW; END; $$ LANGUAGE plpgsql;',
    ].join('\n');
    const migrationsList = {
      baseDir: dir,
      lockfile: { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' },
      shadowDbInitScript: '',
      migrationDirectories: [{ path: '20240101000000_fn', migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: script } } }],
    };
    const engine = startRpcEngine({ url }, dir);
    try {
      const response = await engine.call('applyMigrations', { migrationsList, filters: noFilters });
      expect(response.result).toEqual({ appliedMigrationNames: ['20240101000000_fn'] });
    } finally {
      await engine.close();
    }
    const found = await onServer<{ nspname: string }>(
      database,
      "SELECT n.nspname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'bump'",
    );
    expect(found).toEqual([{ nspname: 'gaps' }]);
  });

  test('when introspecting catalogs with "char" columns, then db pull succeeds', async () => {
    const url = pgUrl(database, '?schema=gaps');
    const engine = startRpcEngine({ url }, dir);
    const schema = 'datasource db {\n  provider = "postgresql"\n}\n';
    try {
      const response = await engine.call('introspect', {
        schema: { files: [{ path: 'schema.prisma', content: schema }] },
        baseDirectoryPath: dir,
        force: false,
        compositeTypeDepth: -1,
        namespaces: null,
      });
      expect(response.error).toBeUndefined();
      expect(JSON.stringify(response.result)).toContain('model counter');
    } finally {
      await engine.close();
    }
  });

  test('when the configured shadow database is the main one, then the engine refuses with P3014', async () => {
    const url = pgUrl(database);
    const engine = startRpcEngine({ url, shadowDatabaseUrl: url } as { url: string }, dir);
    const lock = { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' };
    try {
      const response = await engine.call('diff', {
        from: { tag: 'migrations', baseDir: dir, lockfile: lock, shadowDbInitScript: '', migrationDirectories: [] },
        to: { tag: 'empty' },
        script: true,
        exitCode: null,
        filters: noFilters,
      });
      expect(response.error?.data).toMatchObject({ error_code: 'P3014' });
    } finally {
      await engine.close();
    }
  });

  test("when the configured database is the server's postgres one, then a diff from migrations still gets its temporary shadow database", async () => {
    // The engine then works from template1, and CREATE DATABASE copies template1 by default: it must
    // not copy the database its own connection is on.
    const engine = startRpcEngine({ url: pgUrl('postgres') }, dir);
    const migrationsList = {
      tag: 'migrations',
      baseDir: dir,
      lockfile: { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' },
      shadowDbInitScript: '',
      migrationDirectories: [
        { path: '20240101000000_t', migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: 'CREATE TABLE shadow_probe (id int);' } } },
      ],
    };
    try {
      const response = await engine.call('diff', { from: migrationsList, to: { tag: 'empty' }, script: true, exitCode: null, filters: noFilters });
      expect(response.error).toBeUndefined();
      expect(engine.printed.join('')).toContain('DROP TABLE "public"."shadow_probe"');
    } finally {
      await engine.close();
    }
    const leftovers = await onServer<{ datname: string }>('postgres', "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'");
    expect(leftovers).toEqual([]);
  });
});

'use strict';
// SQLite through @prisma/adapter-better-sqlite3, plus the gaps of the wasm engine on SQLite.
const fs = require('node:fs');
const path = require('node:path');
const Database = require('better-sqlite3');
const { PrismaBetterSqlite3 } = require('@prisma/adapter-better-sqlite3');
const { EngineError } = require('./engine-error');

// The engine's own definition (schema-engine sql-migration-connector, SQLite flavour), so the
// table looks exactly as if the native engine had created it.
const MIGRATIONS_TABLE_SQL = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`;

// Prisma's native SQLite stores DateTime as unix milliseconds; the adapter's default is ISO text.
const ADAPTER_OPTIONS = { timestampFormat: 'unixepoch-ms' };

/** `file:./dev.db?x=y` → absolute path, relative to the working directory (the config file's folder). */
function sqlitePath(url, cwd) {
  const file = url.replace(/^file:/, '').replace(/\?.*$/, '');
  if (file === ':memory:') return file;
  return path.resolve(cwd, file);
}

const OBJECTS_SQL = "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'view')";

/** Drops every table and view: what a reset means (the wasm engine only deletes rows). */
async function dropEverything(conn) {
  const drops = (await conn.all(OBJECTS_SQL)).map(
    ([type, name]) => `DROP ${type === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS "${String(name).replace(/"/g, '""')}";`,
  );
  await conn.exec(['PRAGMA foreign_keys = OFF;', ...drops, 'PRAGMA foreign_keys = ON;'].join('\n'));
}

/**
 * On a fresh database the wasm engine reports the missing `_prisma_migrations` as P1014 instead
 * of creating it; a database that already has tables keeps the engine's P3005.
 */
async function ensureMigrationsTable(conn) {
  if ((await conn.all(OBJECTS_SQL)).length === 0) await conn.exec(MIGRATIONS_TABLE_SQL);
}

/** A connection of our own, closed after `work`. */
async function withOwnConnection(file, work) {
  const db = new Database(file);
  try {
    return await work({ all: async (sql) => db.prepare(sql).raw().all(), exec: async (sql) => void db.exec(sql) });
  } finally {
    db.close();
  }
}

/** The connection the engine holds, as the same small interface. */
function adapterConnection(adapter) {
  return {
    all: async (sql) => (await adapter.queryRaw({ sql, args: [], argTypes: [] })).rows,
    exec: (sql) => adapter.executeScript(sql),
  };
}

/**
 * Replayed migrations reach the adapter as whole scripts through `executeRaw`/`queryRaw`, which
 * prepare a single statement; such scripts are run whole instead.
 */
function runsWholeScripts(adapter) {
  const isMultiStatement = (err) => err instanceof RangeError && /more than one statement/.test(err.message);
  const fallback = (call) => async (query) => {
    try {
      return await call(query);
    } catch (err) {
      if (!isMultiStatement(err) || query.args.length > 0) throw err;
      await adapter.executeScript(query.sql);
      return call === queryRaw ? { columnNames: [], columnTypes: [], rows: [] } : 0;
    }
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.queryRaw = fallback(queryRaw);
  adapter.executeRaw = fallback(executeRaw);
  return adapter;
}

function createSqliteDatasource({ url, shadowDatabaseUrl }, { cwd }) {
  const file = sqlitePath(url, cwd);
  const shadowFile = shadowDatabaseUrl ? sqlitePath(shadowDatabaseUrl, cwd) : ':memory:';
  if (shadowFile !== ':memory:' && shadowFile === file) {
    throw new EngineError('P3014', 'The shadow database you configured is the same as the main database.');
  }
  let engineAdapter;

  // Work goes through the engine's own connection once it has one: after applying migrations the
  // engine keeps SQLite in exclusive locking mode, so a second connection would fail as "locked".
  const withConnection = (work) => (engineAdapter ? work(adapterConnection(engineAdapter)) : withOwnConnection(file, work));

  const factoryFor = (mainFile, isMain) => {
    const inner = new PrismaBetterSqlite3({ url: mainFile }, ADAPTER_OPTIONS);
    return {
      provider: inner.provider,
      adapterName: inner.adapterName,
      connect: async () => {
        const adapter = await inner.connect();
        if (isMain) engineAdapter = adapter;
        return adapter;
      },
      connectToShadowDb: async () => {
        if (shadowFile !== ':memory:') await withOwnConnection(shadowFile, dropEverything);
        const shadow = new PrismaBetterSqlite3({ url: shadowFile }, ADAPTER_OPTIONS);
        return runsWholeScripts(await shadow.connect());
      },
    };
  };

  return {
    provider: 'sqlite',
    mainFactory: () => factoryFor(file, true),
    isolatedFactory: () => factoryFor(':memory:', false),
    prepareHistory: async () => {
      await withConnection(ensureMigrationsTable);
    },
    reset: () => withConnection(dropEverything),
    canConnect: async () => {
      if (!fs.existsSync(file)) {
        throw new EngineError('P1003', `Database \`${path.basename(file)}\` does not exist at \`${file}\``, {
          database_file_name: path.basename(file),
          database_file_path: file,
        });
      }
      await withOwnConnection(file, (conn) => conn.all('SELECT 1'));
    },
    createDatabase: async () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await withOwnConnection(file, async () => undefined);
      return path.basename(file);
    },
  };
}

module.exports = { createSqliteDatasource, MIGRATIONS_TABLE_SQL };

'use strict';
// Picks the database flavour from the configured URL (or, for diffs without one, from the schema).
const { EngineError } = require('./engine-error');
const { createSqliteDatasource } = require('./sqlite-datasource');
const { createPostgresDatasource } = require('./postgres-datasource');

function providerOfUrl(url) {
  if (/^file:/.test(url)) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres';
  return undefined;
}

/**
 * @param {{url?: string, shadowDatabaseUrl?: string}} config the CLI's `--datasource` JSON
 * @param {{cwd: string}} options relative SQLite paths resolve against cwd
 */
function createDatasource(config, { cwd }) {
  const url = config.url ?? '';
  if (!url) {
    throw new EngineError('P1012', 'No database URL: set `datasource.url` in prisma.config.ts.');
  }
  switch (providerOfUrl(url)) {
    case 'sqlite':
      return createSqliteDatasource(config, { cwd });
    case 'postgres':
      return createPostgresDatasource(config);
    default:
      throw new EngineError(
        'P1013',
        'The provided database string is invalid. The offline schema engine supports `file:` (SQLite) and `postgresql://` URLs.',
      );
  }
}

/** The datasource provider named in schema files or a migration lock file (`provider = "..."`). */
function providerOfText(text) {
  const match = /provider\s*=\s*"(sqlite|postgresql|postgres)"/.exec(text);
  if (!match) return undefined;
  return match[1] === 'sqlite' ? 'sqlite' : 'postgres';
}

/** An empty in-memory SQLite database, for diffs that need a connection but no real database. */
function scratchSqlite(cwd) {
  return createSqliteDatasource({ url: 'file::memory:' }, { cwd });
}

module.exports = { createDatasource, scratchSqlite, providerOfText, providerOfUrl };

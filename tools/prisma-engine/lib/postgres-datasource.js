'use strict';
// PostgreSQL through @prisma/adapter-pg, plus the gaps of the adapter when the engine drives it.
const crypto = require('node:crypto');
const pg = require('pg');
const { PrismaPg } = require('@prisma/adapter-pg');
const { EngineError } = require('./engine-error');
const { postgresError } = require('./postgres-errors');

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`;

/** Splits a connection URL into what pg connects with and the Prisma-only `?schema=`. */
function parseUrl(url) {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  return { parsed, schema, database };
}

/** Connection settings for one database; the name is set on the URL so nothing can override it. */
function poolConfig(url, database) {
  const { parsed, schema } = parseUrl(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  // The adapter ignores `?schema=`: every connection gets it as its search_path instead.
  return { connectionString: parsed.toString(), options: `-c search_path=${quoteIdent(schema)}`, max: 4 };
}

/**
 * Wraps an adapter for the engine's needs: scripts go to the server whole (the adapter splits on
 * `;`, breaking `$$` bodies), and catalog `"char"` columns, which the adapter cannot map, read as text.
 */
function engineReady(adapter) {
  const charAsText = (queryable) => {
    const performIO = queryable.performIO.bind(queryable);
    queryable.performIO = async (query) => {
      const result = await performIO(query);
      // A multi-statement script (sent whole, e.g. by `db execute`) yields one result per statement.
      for (const part of Array.isArray(result) ? result : [result]) {
        for (const field of part.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
      }
      return result;
    };
    return queryable;
  };
  charAsText(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (level) => charAsText(await startTransaction(level));
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (err) {
      adapter.onError(err);
    }
  };
  return adapter;
}

function createPostgresDatasource({ url, shadowDatabaseUrl }) {
  const main = parseUrl(url);
  const maintenanceDb = main.database === 'postgres' ? 'template1' : 'postgres';

  const withClient = async (database, work) => {
    const client = new pg.Client(poolConfig(url, database));
    try {
      await client.connect();
      return await work(client);
    } catch (err) {
      throw postgresError(err, main.parsed, database);
    } finally {
      // A client that never connected fails to end too; the connect error above is the one to report.
      await client.end().catch(() => undefined);
    }
  };

  const connectTo = async (targetUrl, database) => {
    const { schema } = parseUrl(targetUrl);
    const pool = new pg.Pool(poolConfig(targetUrl, database));
    const adapter = await new PrismaPg(pool, { schema, disposeExternalPool: true }).connect();
    return engineReady(adapter);
  };

  /** A throwaway database, created and dropped here: adapter-pg's own drops it before closing. */
  const temporaryShadow = async () => {
    const name = `prisma_migrate_shadow_db_${crypto.randomUUID()}`;
    // From template0: CREATE DATABASE copies template1 by default and fails while anyone is connected
    // to it — this engine itself when the main database is `postgres` (maintenanceDb is then template1).
    // A shadow database wants nothing of template1's additions anyway: it replays migrations from scratch.
    await withClient(maintenanceDb, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`));
    const adapter = await connectTo(url, name);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await withClient(maintenanceDb, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    };
    return adapter;
  };

  /** A configured shadow database is emptied first, and never the main database itself. */
  const configuredShadow = async () => {
    const shadow = parseUrl(shadowDatabaseUrl);
    const sameServer = shadow.parsed.host === main.parsed.host;
    if (sameServer && shadow.database === main.database && shadow.schema === main.schema) {
      throw new EngineError('P3014', 'The shadow database you configured is the same as the main database.');
    }
    const adapter = await connectTo(shadowDatabaseUrl, shadow.database);
    await adapter.executeScript(
      `DROP SCHEMA IF EXISTS ${quoteIdent(shadow.schema)} CASCADE; CREATE SCHEMA ${quoteIdent(shadow.schema)};`,
    );
    return adapter;
  };

  const factoryFor = (database) => ({
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectTo(url, database),
    connectToShadowDb: () => (shadowDatabaseUrl ? configuredShadow() : temporaryShadow()),
  });

  return {
    provider: 'postgres',
    mainFactory: () => factoryFor(main.database),
    isolatedFactory: () => factoryFor(maintenanceDb),
    canConnect: () => withClient(main.database, (c) => c.query('SELECT 1')),
    createDatabase: async () => {
      await withClient(maintenanceDb, (c) => c.query(`CREATE DATABASE ${quoteIdent(main.database)}`));
      return main.database;
    },
  };
}

module.exports = { createPostgresDatasource };

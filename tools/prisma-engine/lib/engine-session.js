'use strict';
// One CLI command's worth of engine: answers each JSON-RPC method with the wasm engine, covering
// what the wasm engine and the adapters lack (see README "Gaps").
const fs = require('node:fs');
const { createWasmEngine, explainAdapterError } = require('./wasm-engine');
const { forwardWasmLog } = require('./logger');
const { EngineError } = require('./engine-error');
const { createDatasource, scratchSqlite, providerOfText, providerOfUrl } = require('./datasource');

// JSON-RPC methods passed straight to the wasm engine (same names and params).
const ENGINE_METHODS = new Set([
  'applyMigrations',
  'dbExecute',
  'debugPanic',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'ensureConnectionValidity',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'schemaPush',
]);

// Methods that read or write the migration history table.
const HISTORY_METHODS = new Set([
  'applyMigrations',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'markMigrationApplied',
  'markMigrationRolledBack',
]);

// What the engine says when its shadow database factory went missing (see `primed`).
const LOST_SHADOW_FACTORY = /shadow DB must be provided through an external factory/i;

async function invoke(engine, method, params) {
  try {
    return await engine[method](params);
  } catch (err) {
    throw explainAdapterError(engine, err);
  }
}

function readDatamodels(paths) {
  return paths.map((file) => [file, fs.readFileSync(file, 'utf8')]);
}

/** Diff targets that read the configured database; any other diff runs on a scratch connection. */
function readsConfiguredDb(target) {
  return target.tag === 'schemaDatasource' || target.tag === 'url';
}

function providerOfTarget(target) {
  if (target.tag === 'schemaDatamodel' || target.tag === 'schemaDatasource') {
    return providerOfText(target.files.map((f) => f.content).join('\n'));
  }
  if (target.tag === 'migrations') return providerOfText(target.lockfile.content ?? '');
  if (target.tag === 'url') return providerOfUrl(target.url);
  return undefined;
}

class EngineSession {
  constructor({ datasourceConfig, datamodelPaths, cwd }) {
    this.datasourceConfig = datasourceConfig;
    this.datamodels = readDatamodels(datamodelPaths);
    this.cwd = cwd;
    this.engines = [];
  }

  datasource() {
    this.cachedDatasource ??= createDatasource(this.datasourceConfig, { cwd: this.cwd });
    return this.cachedDatasource;
  }

  /** The engine on the configured database, connected on first use (diffs may never need it). */
  mainEngine() {
    this.main ??= this.startEngine(this.datasource().mainFactory(), this.datamodels);
    return this.main;
  }

  async startEngine(factory, datamodels) {
    const engine = await createWasmEngine(datamodels, factory, forwardWasmLog);
    this.engines.push(engine);
    return engine;
  }

  /** Runs one JSON-RPC method; `print` sends text to the CLI's stdout. */
  async call(method, params, { print }) {
    switch (method) {
      case 'diff':
        return this.diff(params, print);
      case 'reset':
        return this.reset(params);
      case 'createDatabase':
        return { databaseName: await this.datasource().createDatabase() };
      case 'getDatabaseVersion':
        return invoke(await this.mainEngine(), 'version', params);
      case 'evaluateDataLoss':
      case 'createMigration':
        return this.primed(method, params);
      default:
        if (!ENGINE_METHODS.has(method)) {
          throw new EngineError('P1012', `The offline schema engine does not support \`${method}\`.`);
        }
        return this.onMainEngine(method, params);
    }
  }

  async onMainEngine(method, params) {
    const engine = await this.mainEngine();
    if (HISTORY_METHODS.has(method)) await this.datasource().prepareHistory?.();
    return invoke(engine, method, params);
  }

  /**
   * After `applyMigrations` in the same process, these two find no adapter for the shadow
   * database until a history diagnosis (with a shadow database) has run; prime and retry once.
   */
  async primed(method, params) {
    try {
      return await this.onMainEngine(method, params);
    } catch (err) {
      if (!LOST_SHADOW_FACTORY.test(String(err?.message))) throw err;
      const { migrationsList, filters } = params;
      await this.onMainEngine('diagnoseMigrationHistory', { migrationsList, filters, optInToShadowDatabase: true });
      return this.onMainEngine(method, params);
    }
  }

  async diff(params, print) {
    const targets = [params.from, params.to];
    let engine;
    if (targets.some(readsConfiguredDb)) {
      engine = await this.mainEngine();
    } else {
      const provider = targets.map(providerOfTarget).find(Boolean) ?? providerOfUrl(this.datasourceConfig.url ?? '');
      const scratch = provider === 'sqlite' ? scratchSqlite(this.cwd) : this.datasource();
      engine = await this.startEngine(scratch.isolatedFactory(), []);
    }
    const result = await invoke(engine, 'diff', params);
    if (result.stdout) await print(result.stdout);
    return { exitCode: result.exitCode };
  }

  /** SQLite resets itself (the wasm engine only deletes rows there); Postgres' engine reset is right. */
  async reset(params) {
    const datasource = this.datasource();
    if (!datasource.reset) return invoke(await this.mainEngine(), 'reset', params);
    await datasource.reset();
    return null;
  }

  async close() {
    for (const engine of this.engines) engine.free();
    this.engines = [];
  }
}

module.exports = { EngineSession };

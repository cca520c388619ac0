'use strict';
// Loads @prisma/schema-engine-wasm by hand: its package entry imports the .wasm file as an ES
// module, which Node 20 cannot do. The glue module is ESM, hence the dynamic import.
const fs = require('node:fs');
const path = require('node:path');
const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');

const panic = { message: undefined };
let gluePromise;

function loadGlue() {
  gluePromise ??= (async () => {
    // Without this registry a Rust panic throws from inside the panic hook and kills the process.
    globalThis.PRISMA_WASM_PANIC_REGISTRY = {
      set_message(message) {
        panic.message = message;
      },
    };
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = await import(gluePath);
    const bytes = fs.readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return glue;
  })();
  return gluePromise;
}

/**
 * Starts a wasm engine on a driver adapter factory; it connects at once.
 * @param {Array<[string, string]>} datamodels [path, content] pairs; empty means none (an empty array panics).
 */
async function createWasmEngine(datamodels, adapterFactory, onLog) {
  const glue = await loadGlue();
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  const engine = await glue.SchemaEngine.new({ datamodels: datamodels.length > 0 ? datamodels : undefined }, onLog, bound);
  registries.set(engine, bound.errorRegistry);
  return engine;
}

// Errors thrown in our adapter code (not driver errors, which the engine formats itself) reach
// the engine as ids into the bound factory's registry; its message is then "External error id#N".
const registries = new WeakMap();
const EXTERNAL_ERROR = /External error id#(\d+)/;

/** The error actually thrown behind an "External error id#N" (keeping its Prisma code), else `err`. */
function explainAdapterError(engine, err) {
  const match = EXTERNAL_ERROR.exec(String(err?.message));
  const registered = match && registries.get(engine)?.consumeError(Number(match[1]));
  if (!registered) return err;
  return registered.error instanceof Error ? registered.error : new Error(String(registered.error));
}

async function wasmVersion() {
  return (await loadGlue()).version();
}

/** The message of the last Rust panic, for the error response that precedes the exit. */
function lastPanicMessage() {
  return panic.message;
}

module.exports = { createWasmEngine, explainAdapterError, wasmVersion, lastPanicMessage };

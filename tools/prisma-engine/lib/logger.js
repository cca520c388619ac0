'use strict';
// The Prisma CLI reads the engine's stderr as JSON lines shaped like the native engine's
// `tracing` output: it keeps `fields.message` for error reports and treats `level: ERROR` as
// the last error. Anything else on stderr is ignored in main mode but breaks the side commands.

const TARGET = 'schema_engine::offline';

function writeLine(entry) {
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}

function log(level, message, fields = {}) {
  writeLine({ timestamp: new Date().toISOString(), level, fields: { message, ...fields }, target: TARGET });
}

/** Forwards a log line from the wasm engine, which already speaks the native format. */
function forwardWasmLog(line) {
  const text = String(line).replace(/\n/g, ' ');
  process.stderr.write(`${text}\n`);
}

module.exports = { log, writeLine, forwardWasmLog, TARGET };

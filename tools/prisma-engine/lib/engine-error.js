'use strict';
// Errors the CLI understands: user-facing ones carry a Prisma error code (P1001, P3005, ...) and
// are printed as `code: message`; panics make the CLI report an engine crash.

class EngineError extends Error {
  constructor(code, message, meta = {}) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.meta = meta;
  }
}

/** True when the wasm engine aborted (a Rust panic surfaces as `RuntimeError: unreachable`). */
function isPanic(err) {
  return err instanceof WebAssembly.RuntimeError;
}

/** The `error` member of a JSON-RPC response, in the native engine's shape. */
function toRpcError(err, panicMessage) {
  const panic = isPanic(err);
  const message = panic ? panicMessage ?? String(err.message) : String(err?.message ?? err);
  const code = typeof err?.code === 'string' && /^P\d{4}$/.test(err.code) ? err.code : undefined;
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: { is_panic: panic, message, meta: err?.meta ?? {}, ...(code ? { error_code: code } : {}) },
  };
}

module.exports = { EngineError, isPanic, toRpcError };

'use strict';
// JSON-RPC 2.0 over stdin/stdout, one message per line, as the Prisma CLI speaks to the native
// engine. Requests run one at a time in arrival order; the engine may itself send the CLI a
// `print` request and waits for its answer.
const readline = require('node:readline');
const { toRpcError, isPanic } = require('./engine-error');
const { log } = require('./logger');
const { lastPanicMessage } = require('./wasm-engine');

const PANIC_EXIT_CODE = 101;

function serveRpc(session, { input = process.stdin, output = process.stdout } = {}) {
  const pendingPrints = new Map();
  let nextPrintId = 1_000_000;
  let queue = Promise.resolve();

  const send = (message) => output.write(`${JSON.stringify(message)}\n`);
  const print = (content) =>
    new Promise((resolve) => {
      const id = nextPrintId++;
      pendingPrints.set(id, resolve);
      send({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });

  const handle = async (request) => {
    try {
      const result = await session.call(request.method, request.params ?? {}, { print });
      send({ jsonrpc: '2.0', id: request.id, result: result ?? null });
    } catch (err) {
      send({ jsonrpc: '2.0', id: request.id, error: toRpcError(err, lastPanicMessage()) });
      if (isPanic(err)) {
        log('ERROR', lastPanicMessage() ?? String(err));
        process.exit(PANIC_EXIT_CODE);
      }
    }
  };

  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      log('ERROR', `Could not parse JSON-RPC message: ${line.slice(0, 200)}`);
      return;
    }
    if (message.method === undefined) {
      pendingPrints.get(message.id)?.();
      pendingPrints.delete(message.id);
      return;
    }
    queue = queue.then(() => handle(message));
  });

  // The CLI ends the engine by closing stdin (then kills it).
  return new Promise((resolve) => lines.on('close', () => queue.then(resolve)));
}

module.exports = { serveRpc };

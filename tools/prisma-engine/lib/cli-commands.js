'use strict';
// `<engine> --datasource <json> cli <command>`: the CLI runs these before `migrate dev/deploy`
// and `db push`. On failure it skips the first stderr line and looks for an ERROR line from
// `schema_engine::logger` with `fields.error_code` and `fields.message`.
const { createDatasource } = require('./datasource');
const { writeLine } = require('./logger');

const COMMANDS = {
  'can-connect-to-database': (datasource) => datasource.canConnect(),
  'create-database': (datasource) => datasource.createDatabase(),
};

/** Runs one side command; resolves to the process exit code. */
async function runCliCommand(command, datasourceConfig, { cwd }) {
  const started = { level: 'INFO', fields: { message: `Running cli ${command}` }, target: 'schema_engine::logger' };
  try {
    const run = COMMANDS[command];
    if (!run) throw new Error(`Unknown cli command: ${command}`);
    await run(createDatasource(datasourceConfig, { cwd }));
    return 0;
  } catch (err) {
    writeLine(started);
    // Without an error code the CLI reports the raw stderr, which is right for unexpected failures.
    const errorCode = typeof err.code === 'string' && /^P\d{4}$/.test(err.code) ? err.code : undefined;
    writeLine({ level: 'ERROR', target: 'schema_engine::logger', fields: { error_code: errorCode, message: err.message } });
    return 1;
  }
}

module.exports = { runCliCommand };

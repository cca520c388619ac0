'use strict';
// Connection failures in the words and codes of the native engine, so the CLI reacts the same
// way (P1003 makes `migrate dev/deploy` and `db push` create the database).
const { EngineError } = require('./engine-error');

function postgresError(err, url, database) {
  if (err instanceof EngineError) return err;
  const host = url.hostname;
  const port = url.port || '5432';
  switch (err?.code) {
    case '3D000':
      return new EngineError('P1003', `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`, {
        database_name: database,
        database_host: host,
        database_port: Number(port),
      });
    case '28P01':
    case '28000':
      return new EngineError(
        'P1000',
        `Authentication failed against database server, the provided database credentials for \`${decodeURIComponent(url.username)}\` are not valid.`,
        { database_host: host, database_port: Number(port) },
      );
    case '42P04':
      return new EngineError('P1009', `Database \`${database}\` already exists on the database server at \`${host}:${port}\``, {
        database_name: database,
      });
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
      return new EngineError('P1001', `Can't reach database server at \`${host}:${port}\``, {
        database_host: host,
        database_port: Number(port),
      });
    default:
      return err;
  }
}

module.exports = { postgresError };

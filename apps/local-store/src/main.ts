// Start-up: config → database (embedded when no DATABASE_URL) → migrations → app → catch-up.
// Shutdown (SIGTERM/SIGINT): stop pulling, drain the server, close Prisma, stop embedded Postgres.
import { createLogger, createMetricsRegistry, serve, type Logger } from '@dtg/service-kit';
import { createApp } from './app';
import { createCloudClient } from './cloud/cloud-client';
import { configFromProcessEnv } from './config';
import { openDatabase } from './db/database';
import { sqlState } from './db/sql';
import { applyMigrations } from './db/migrate';
import { selectDatabase } from './db/select-database';
import { createServices } from './services';
import { SERVICE_NAME, VERSION } from './version';

const FORCED_EXIT_MS = 30_000;

async function main(): Promise<void> {
  const config = configFromProcessEnv();
  const logger = createLogger({ service: SERVICE_NAME, version: VERSION, level: config.logLevel });
  const database = await selectDatabase(config.databaseUrl, (line) => logger.debug(line, { component: 'embedded-postgres' }));
  logger.info('database selected', { source: config.databaseUrl ? 'DATABASE_URL' : 'embedded (.data/local-store-pg)' });
  try {
    await applyMigrations(database.url);
  } catch (error) {
    logger.error('migrations failed; not starting', { err: error });
    await database.stop?.();
    process.exit(1);
  }

  const db = openDatabase(database.url, {
    onPoolError: (error) => logger.warn('idle database connection failed', { reason: error.message, sqlState: sqlState(error) }),
  });
  const cloud = createCloudClient({ baseUrl: config.cloudUrl, apiKey: config.cloudApiKey });
  const registry = createMetricsRegistry(SERVICE_NAME);
  const services = createServices({ config, db, cloud, logger, registry });
  const app = createApp({ config, db, services, logger, registry, version: VERSION });
  const server = await serve(app, {
    port: config.port,
    host: config.host,
    logger,
    handleSignals: false,
    onShutdown: [() => db.close(), async () => database.stop?.()],
  });
  services.start();
  logger.info('local store ready', { port: server.port, deliveryMode: config.deliveryMode, pullIntervalMs: config.pullIntervalMs });
  handleSignals(logger, async () => {
    await services.stop();
    await server.close();
  });
}

// serve() only runs hooks after the server has drained; the puller must stop first, so the
// signal handling lives here.
function handleSignals(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('signal received; shutting down', { signal });
    setTimeout(() => process.exit(1), FORCED_EXIT_MS).unref();
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { err: error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(`local-store failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

// Start-up: config (exit listing every problem) → migrations (deploy, never dev) → services →
// HTTP → dispatcher, jobs, Stream connections. SIGTERM drains requests, closes the Stream
// connections (their handlers finish first), stops the jobs and the dispatcher, then the database.
import { createLogger, parseConfigOrExit, serve } from '@dtg/service-kit';
import { createApp } from './app';
import { CloudConfigSchema } from './config';
import { deployMigrations } from './db/migrations';
import { buildServices } from './services';
import { VERSION } from './version';

async function main(): Promise<void> {
  const config = parseConfigOrExit(CloudConfigSchema);
  const logger = createLogger({ service: 'cloud-gateway', version: VERSION, level: config.LOG_LEVEL });
  await deployMigrations(config.CLOUD_DATABASE_URL);
  const services = await buildServices(config, logger);
  const app = createApp(services);
  await serve(app, {
    port: config.PORT,
    host: config.HOST,
    logger,
    onShutdown: [
      () => services.stream.stop(),
      () => services.jobs.stop(),
      () => services.dispatcher.stop(),
      () => services.callBudget.stop(),
      () => services.db.$disconnect(),
    ],
  });
  services.dispatcher.start();
  services.jobs.start();
  services.callBudget.start();
  await services.stream.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`cloud-gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

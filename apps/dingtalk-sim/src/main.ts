import { startSimulator } from './start-simulator';

/** Standalone simulator: `SIM_PORT` (default 3200), `SIM_HOST` (default 127.0.0.1), `SIM_LOG` (default on). */
async function main(): Promise<void> {
  const port = Number(process.env['SIM_PORT'] ?? 3200);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`dingtalk-sim: SIM_PORT must be a port number, got "${process.env['SIM_PORT']}"`);
    process.exit(1);
  }
  const running = await startSimulator({ port, host: process.env['SIM_HOST'] ?? '127.0.0.1', log: process.env['SIM_LOG'] !== '0' });
  console.log(`dingtalk-sim listening on ${running.url}`);
  const shutdown = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error('dingtalk-sim failed to start:', err);
  process.exit(1);
});

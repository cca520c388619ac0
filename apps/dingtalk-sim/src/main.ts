import { parseConfigOrExit } from '@dtg/service-kit';
import { SimEnvSchema } from './env';
import { startSimulator } from './start-simulator';

/** Standalone simulator: `SIM_PORT` (default 3200), `SIM_HOST` (default 127.0.0.1), `SIM_LOG` (default on). */
async function main(): Promise<void> {
  const env = parseConfigOrExit(SimEnvSchema);
  const running = await startSimulator({ port: env.SIM_PORT, host: env.SIM_HOST, log: env.SIM_LOG });
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

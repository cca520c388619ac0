// Both services apply their migrations at start-up with `prisma migrate deploy` (never `dev`), through
// the real Prisma CLI and the repo's offline schema engine (tools/prisma-engine), so what runs in
// production is exactly what the Prisma CLI test guards.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function prismaCli(): string {
  return require.resolve('prisma/build/index.js');
}

/**
 * Runs `prisma migrate deploy --config <configPath>` with `env` added (the app's database URL
 * variable). Rejects with the CLI's output when it fails, so start-up stops loudly.
 */
export async function migrateDeploy(configPath: string, env: Record<string, string>): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [prismaCli(), 'migrate', 'deploy', '--config', configPath], {
      cwd: path.dirname(configPath),
      env: { ...process.env, ...env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
      timeout: 120_000,
    });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`prisma migrate deploy failed: ${e.stderr || e.stdout || e.message}`.trim());
  }
}

/** Reads applied migration names; each app passes a query on its own client. */
export type MigrationStatusQuery = () => Promise<{ migration_name: string }[]>;

/** Migration folders that are not recorded as finished in `_prisma_migrations` (readiness check). */
export async function pendingMigrations(migrationsDir: string, applied: MigrationStatusQuery): Promise<string[]> {
  const folders = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const done = new Set((await applied()).map((r) => r.migration_name));
  return folders.filter((name) => !done.has(name)).sort();
}

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

/** Runs the status query on the app's own client (Prisma's raw query, whatever its database). */
export type MigrationStatusQuery = (sql: string) => Promise<{ migration_name: string }[]>;

const APPLIED_MIGRATIONS_SQL = 'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';

/** The migration folders ship with the code, so they are read once per directory, not on every readiness probe. */
const foldersByDir = new Map<string, string[]>();

function migrationFolders(migrationsDir: string): string[] {
  let folders = foldersByDir.get(migrationsDir);
  if (!folders) {
    folders = readdirSync(migrationsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    foldersByDir.set(migrationsDir, folders);
  }
  return folders;
}

/** Migration folders that are not recorded as finished in `_prisma_migrations` (readiness check). */
export async function pendingMigrations(migrationsDir: string, query: MigrationStatusQuery): Promise<string[]> {
  const done = new Set((await query(APPLIED_MIGRATIONS_SQL)).map((r) => r.migration_name));
  return migrationFolders(migrationsDir).filter((name) => !done.has(name));
}

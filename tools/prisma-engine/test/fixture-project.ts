// A throwaway Prisma 7 project in a temp folder, driven through the real Prisma CLI with the
// offline engine set by its prisma.config.ts exactly as the apps do it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');
const prismaCli = path.join(repoRoot, 'node_modules/prisma/build/index.js');
const engineEntry = path.resolve(__dirname, '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface FixtureProject {
  dir: string;
  migrationsDir: string;
  writeSchema(schema: string): void;
  /** Writes `migration.sql` into a new migration folder (and the lock file, as `migrate dev` would). */
  addMigration(name: string, sql: string): void;
  migrationNames(): string[];
  prisma(...args: string[]): Promise<CliResult>;
  remove(): void;
}

const configSource = `import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { engineBinaryPath } from ${JSON.stringify(engineEntry)};

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= engineBinaryPath;

export default defineConfig({
  schema: path.join(__dirname, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', 'migrations') },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
`;

export function createFixtureProject(databaseUrl: string, provider: 'sqlite' | 'postgresql'): FixtureProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prisma-engine-'));
  const migrationsDir = path.join(dir, 'prisma', 'migrations');
  mkdirSync(migrationsDir, { recursive: true });
  writeFileSync(path.join(dir, 'prisma.config.ts'), configSource);
  // The config and the generated client resolve `prisma` and `@prisma/*` from the repo's install.
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');

  // No inherited engine path (the config must set it), no update check, and any engine download
  // would go to a closed local port instead of binaries.prisma.sh.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    PRISMA_ENGINES_MIRROR: 'http://127.0.0.1:9',
  };
  delete env.PRISMA_SCHEMA_ENGINE_BINARY;

  return {
    dir,
    migrationsDir,
    writeSchema: (schema) => writeFileSync(path.join(dir, 'prisma', 'schema.prisma'), schema),
    addMigration: (name, sql) => {
      mkdirSync(path.join(migrationsDir, name));
      writeFileSync(path.join(migrationsDir, name, 'migration.sql'), sql);
      writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), `provider = "${provider}"\n`);
    },
    migrationNames: () =>
      readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort(),
    prisma: (...args) =>
      new Promise((resolve) => {
        execFile(process.execPath, [prismaCli, ...args], { cwd: dir, env, timeout: 60_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

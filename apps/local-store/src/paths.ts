import path from 'node:path';

/** apps/local-store */
export const APP_ROOT = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(APP_ROOT, '../..');
export const PRISMA_CONFIG = path.join(APP_ROOT, 'prisma.config.ts');
export const MIGRATIONS_DIR = path.join(APP_ROOT, 'prisma', 'migrations');
/** Where the embedded Postgres keeps its data between starts when no DATABASE_URL is given. */
export const EMBEDDED_PG_DIR = path.join(REPO_ROOT, '.data', 'local-store-pg');

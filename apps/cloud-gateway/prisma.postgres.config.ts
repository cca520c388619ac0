// Prisma CLI config for the cloud's Postgres schema (issue #22, preview): the schema generated from
// prisma/schema.prisma and its own migrations, through the same offline engine (tools/prisma-engine).
// `prisma generate` needs no URL; the copy command (`npm run admin -- db copy-to-postgres <url>`) and the
// tests run `migrate deploy` with the target's URL in CLOUD_DATABASE_URL, only for that child process.
import path from 'node:path';
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve(__dirname, '../../tools/prisma-engine/schema-engine');

export default defineConfig({
  schema: path.join(__dirname, 'prisma', 'postgres', 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', 'postgres', 'migrations') },
  datasource: { url: process.env.CLOUD_DATABASE_URL ?? '' },
});

// Prisma CLI config. The schema engine is the repo's offline one (tools/prisma-engine): Prisma's
// native engine is a download a customer's closed network may not allow.
import path from 'node:path';
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve(__dirname, '../../tools/prisma-engine/schema-engine');

export default defineConfig({
  schema: path.join(__dirname, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', 'migrations') },
  // Empty for `prisma generate`, which never connects; migrate commands get DATABASE_URL from src/db/migrate.ts.
  datasource: { url: process.env.DATABASE_URL ?? '' },
});

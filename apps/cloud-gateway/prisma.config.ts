// Prisma CLI config. The schema engine is the repo's offline one (tools/prisma-engine): Prisma's
// native engine is a download this project's users may not be able to make.
import path from 'node:path';
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve(__dirname, '../../tools/prisma-engine/schema-engine');

export default defineConfig({
  schema: path.join(__dirname, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', 'migrations') },
  datasource: { url: process.env.CLOUD_DATABASE_URL ?? `file:${path.resolve(__dirname, '../../.data/cloud-gateway.db')}` },
});

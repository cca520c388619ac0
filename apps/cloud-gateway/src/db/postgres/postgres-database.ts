// The cloud on Postgres (issue #22): its direct SQL and Prisma's Postgres client (tools and tests)
// on ONE pg pool. Picked by openDatabase when CLOUD_DATABASE_URL is a
// postgres:// URL; the schema and migrations are generated from the SQLite ones (prisma/postgres).
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient as PostgresPrismaClient } from '../../generated/prisma-postgres/client';
import type { CloudDatabase, Db } from '../prisma';
import { exclusiveSections } from './exclusive-sections';
import { PostgresConnection } from './postgres-connection';

/** Connections per replica: the dispatcher, the job runner and the API share them. */
const POOL_SIZE = 10;

export async function openPostgresDatabase(url: string): Promise<CloudDatabase> {
  const pool = new Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: 10_000 });
  let closed = false;
  // An idle client that loses its connection emits here; unhandled, that would end the process.
  // Its next query fails instead, and the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  // Prisma, for the tools and tests that use it, is not connected here: its first ORM query loads
  // its query compiler (WebAssembly, ~20–40 MB of RSS). The cloud's own paths are direct SQL on the pool.
  const adapter = new PrismaPg(pool);
  let started = false;
  const base = new PostgresPrismaClient({
    adapter: {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      connect: () => {
        started = true;
        return adapter.connect();
      },
    },
  });
  // Same models and operations as the SQLite client: one schema, two providers.
  const client = base as unknown as Db;
  const sections = exclusiveSections(url);
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    if (closed) return;
    closed = true;
    await disconnect();
    await pool.end();
    await sections.end();
  };
  const sqldb = new PostgresConnection(pool, sections.exclusive);
  return { db: client, sqldb, ormStarted: () => started };
}

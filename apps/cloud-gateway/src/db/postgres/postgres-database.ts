// The cloud on Postgres (issue #22): Prisma's Postgres client and the direct SQL on ONE pg pool,
// and the transaction that joins both. Picked by openDatabase when CLOUD_DATABASE_URL is a
// postgres:// URL; the schema and migrations are generated from the SQLite ones (prisma/postgres).
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient as PostgresPrismaClient } from '../../generated/prisma-postgres/client';
import type { CloudDatabase, Db, DbTx, Transact } from '../prisma';
import { AfterCommit, type SqlParam, type Tx } from '../sql';
import { errorCode, retryingConflicts } from './conflict-retry';
import { exclusiveSections } from './exclusive-sections';
import { numberPlaceholders, PostgresConnection } from './postgres-connection';

/** Connections per replica: the dispatcher, the job runner and the API share them. */
const POOL_SIZE = 10;

export async function openPostgresDatabase(url: string): Promise<CloudDatabase> {
  const pool = new Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: 10_000 });
  let closed = false;
  // An idle client that loses its connection emits here; unhandled, that would end the process.
  // Its next query fails instead, and the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  // The generated Postgres client has the same models and operations as the SQLite one: one schema, two providers.
  const base = new PostgresPrismaClient({ adapter: new PrismaPg(pool) });
  await base.$connect();
  // Prisma's upsert is a read then an insert: two replicas starting together (each schedules its
  // singleton jobs) both read nothing and one insert fails on the key. Run again, it finds the row.
  const client = base.$extends({
    query: {
      $allModels: {
        async upsert({ args, query }) {
          try {
            return await query(args);
          } catch (err) {
            if (errorCode(err) !== 'P2002') throw err;
            return query(args);
          }
        },
      },
    },
  }) as unknown as Db;
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
  // Run again on a conflict, as PostgresConnection.write (conflict-retry.ts): the same callback on
  // two replicas, a deadlock or a write conflict goes away when the function finds the other's row.
  const transaction: Transact = (fn) =>
    retryingConflicts(async () => {
      const hooks = new AfterCommit();
      const result = await client.$transaction((tx) => fn(tx, prismaRawTx(tx, hooks)));
      hooks.run();
      return result;
    });
  return { db: client, sqldb, transaction };
}

/**
 * Direct SQL inside a Prisma interactive transaction: on Postgres the transaction is one pooled
 * connection only Prisma holds, so the statements go through it ($queryRawUnsafe) and their rows
 * are brought to what the pool's queries return (epoch ms, numbers).
 */
function prismaRawTx(tx: DbTx, hooks: AfterCommit): Tx {
  const all = async <T>(text: string, ...params: SqlParam[]) =>
    ((await tx.$queryRawUnsafe<Record<string, unknown>[]>(numberPlaceholders(text), ...params)) ?? []).map(plainRow) as T[];
  return {
    dialect: 'postgres',
    all,
    get: async <T>(text: string, ...params: SqlParam[]) => (await all<T>(text, ...params))[0],
    run: async (text: string, ...params: SqlParam[]) => ({ changes: await tx.$executeRawUnsafe(numberPlaceholders(text), ...params) }),
    afterCommit: hooks.add,
  };
}

function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date) row[key] = value.getTime();
    else if (typeof value === 'bigint') row[key] = Number(value);
    // numeric (sum()) comes back as Prisma's Decimal.
    else if (value !== null && typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function')
      row[key] = (value as { toNumber(): number }).toNumber();
  }
  return row;
}

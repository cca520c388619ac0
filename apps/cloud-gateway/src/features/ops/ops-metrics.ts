// What an operator alerts on, read from the database at scrape time (so every replica and the
// admin CLI agree): delivery lag and dead letters per tenant, the job backlog, the database's size.
import { Gauge, type Registry } from 'prom-client';
import type { Sql, SqlDatabase } from '../../db/prisma';

export function registerOpsMetrics(registry: Registry, sqldb: SqlDatabase, now: () => number = Date.now): void {
  /** A gauge read at scrape time: `read` gives every series there is now; the others disappear. */
  const gauge = (spec: { name: string; help: string; labelNames: string[]; read: (sql: Sql) => Promise<[Record<string, string>, number][]> }) =>
    new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      registers: [registry],
      async collect() {
        const series = await sqldb.read(spec.read);
        this.reset();
        for (const [labels, value] of series) this.set(labels, value);
      },
    });

  gauge({
    name: 'dtg_deliveries',
    help: 'Pushes to local stores not yet delivered, by tenant and status (pending, delivering, dead)',
    labelNames: ['tenant', 'status'],
    read: async (sql): Promise<[Record<string, string>, number][]> =>
      (
        await sql.all<{ tenantId: string; status: string; n: number }>(
          `SELECT "tenantId", status, count(*) AS n FROM "Delivery" WHERE status IN ('pending', 'delivering', 'dead') GROUP BY "tenantId", status`,
        )
      ).map((row) => [{ tenant: row.tenantId, status: row.status }, row.n]),
  });

  gauge({
    name: 'dtg_delivery_lag_seconds',
    help: "Age of the oldest event not yet delivered to the tenant's local store (absent when none is waiting)",
    labelNames: ['tenant'],
    read: async (sql): Promise<[Record<string, string>, number][]> =>
      (
        await sql.all<{ tenantId: string; oldest: number }>(
          `SELECT "tenantId", min("createdAt") AS oldest FROM "Delivery" WHERE status IN ('pending', 'delivering') GROUP BY "tenantId"`,
        )
      ).map((row) => [{ tenant: row.tenantId }, Math.max(0, (now() - row.oldest) / 1000)]),
  });

  gauge({
    name: 'dtg_jobs',
    help: 'Durable jobs by kind and status (queued ones include those scheduled for later)',
    labelNames: ['kind', 'status'],
    read: async (sql): Promise<[Record<string, string>, number][]> =>
      (
        await sql.all<{ kind: string; status: string; n: number }>(
          `SELECT kind, status, count(*) AS n FROM "Job" WHERE status IN ('queued', 'running', 'failed') GROUP BY kind, status`,
        )
      ).map((row) => [{ kind: row.kind, status: row.status }, row.n]),
  });

  gauge({
    name: 'dtg_jobs_overdue',
    help: 'Queued jobs whose time has come but that no runner has claimed (backlog)',
    labelNames: ['kind'],
    read: async (sql): Promise<[Record<string, string>, number][]> =>
      (
        await sql.all<{ kind: string; n: number }>(
          `SELECT kind, count(*) AS n FROM "Job" WHERE status = 'queued' AND "runAt" <= ? GROUP BY kind`,
          new Date(now()),
        )
      ).map((row) => [{ kind: row.kind }, row.n]),
  });

  gauge({
    name: 'dtg_tenant_endpoint',
    help: 'Tenants whose webhook endpoint fails (since its last success) or was disabled for failing past ENDPOINT_DISABLE_AFTER (absent while healthy)',
    labelNames: ['tenant', 'state'],
    read: async (sql): Promise<[Record<string, string>, number][]> =>
      (
        await sql.all<{ id: string; disabled: number }>(
          'SELECT id, "endpointDisabledAt" IS NOT NULL AS disabled FROM "Tenant" WHERE "endpointFailingSince" IS NOT NULL OR "endpointDisabledAt" IS NOT NULL',
        )
      ).map((row) => [{ tenant: row.id, state: row.disabled ? 'disabled' : 'failing' }, 1]),
  });

  gauge({
    name: 'dtg_tenant_credentials_failing',
    help: 'Tenants whose DingTalk credentials were refused at the last token fetch (1; absent once a fetch succeeds)',
    labelNames: ['tenant'],
    read: async (sql): Promise<[Record<string, string>, number][]> =>
      (await sql.all<{ id: string }>('SELECT id FROM "Tenant" WHERE "credentialsFailingSince" IS NOT NULL')).map((row) => [{ tenant: row.id }, 1]),
  });

  gauge({
    name: 'cloud_db_size_bytes',
    help: "The database's size: the SQLite file (pages × page size), or the Postgres database (pg_database_size)",
    labelNames: [],
    read: async (sql): Promise<[Record<string, string>, number][]> => [
      [
        {},
        (
          await sql.get<{ bytes: number }>(
            sql.dialect === 'postgres'
              ? 'SELECT pg_database_size(current_database()) AS bytes'
              : 'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()',
          )
        )?.bytes ?? 0,
      ],
    ],
  });
}

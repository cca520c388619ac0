// What an operator alerts on, read from the database at scrape time (so every replica and the
// admin CLI agree): delivery lag and dead letters per tenant, the job backlog, the database's size.
import { Gauge, type Registry } from 'prom-client';
import type { SqliteConnection } from '../../db/sqlite-connection';

export function registerOpsMetrics(registry: Registry, sqlite: SqliteConnection, now: () => number = Date.now): void {
  new Gauge({
    name: 'dtg_deliveries',
    help: 'Pushes to local stores not yet delivered, by tenant and status (pending, delivering, dead)',
    labelNames: ['tenant', 'status'],
    registers: [registry],
    async collect() {
      const rows = await sqlite.read((sql) =>
        sql.all<{ tenantId: string; status: string; n: number }>(
          "SELECT tenantId, status, count(*) AS n FROM Delivery WHERE status IN ('pending', 'delivering', 'dead') GROUP BY tenantId, status",
        ),
      );
      this.reset();
      for (const row of rows) this.set({ tenant: row.tenantId, status: row.status }, row.n);
    },
  });

  new Gauge({
    name: 'dtg_delivery_lag_seconds',
    help: "Age of the oldest event not yet delivered to the tenant's local store (absent when none is waiting)",
    labelNames: ['tenant'],
    registers: [registry],
    async collect() {
      const rows = await sqlite.read((sql) =>
        sql.all<{ tenantId: string; oldest: number }>(
          "SELECT tenantId, min(createdAt) AS oldest FROM Delivery WHERE status IN ('pending', 'delivering') GROUP BY tenantId",
        ),
      );
      this.reset();
      for (const row of rows) this.set({ tenant: row.tenantId }, Math.max(0, (now() - row.oldest) / 1000));
    },
  });

  new Gauge({
    name: 'dtg_jobs',
    help: 'Durable jobs by kind and status (queued ones include those scheduled for later)',
    labelNames: ['kind', 'status'],
    registers: [registry],
    async collect() {
      const rows = await sqlite.read((sql) =>
        sql.all<{ kind: string; status: string; n: number }>(
          "SELECT kind, status, count(*) AS n FROM Job WHERE status IN ('queued', 'running', 'failed') GROUP BY kind, status",
        ),
      );
      this.reset();
      for (const row of rows) this.set({ kind: row.kind, status: row.status }, row.n);
    },
  });

  new Gauge({
    name: 'dtg_jobs_overdue',
    help: 'Queued jobs whose time has come but that no runner has claimed (backlog)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const rows = await sqlite.read((sql) =>
        sql.all<{ kind: string; n: number }>("SELECT kind, count(*) AS n FROM Job WHERE status = 'queued' AND runAt <= ? GROUP BY kind", now()),
      );
      this.reset();
      for (const row of rows) this.set({ kind: row.kind }, row.n);
    },
  });

  new Gauge({
    name: 'dtg_tenant_endpoint',
    help: 'Tenants whose webhook endpoint fails (since its last success) or was disabled for failing past ENDPOINT_DISABLE_AFTER (absent while healthy)',
    labelNames: ['tenant', 'state'],
    registers: [registry],
    async collect() {
      const rows = await sqlite.read((sql) =>
        sql.all<{ id: string; disabled: number }>(
          'SELECT id, endpointDisabledAt IS NOT NULL AS disabled FROM Tenant WHERE endpointFailingSince IS NOT NULL OR endpointDisabledAt IS NOT NULL',
        ),
      );
      this.reset();
      for (const row of rows) this.set({ tenant: row.id, state: row.disabled ? 'disabled' : 'failing' }, 1);
    },
  });

  new Gauge({
    name: 'dtg_tenant_credentials_failing',
    help: 'Tenants whose DingTalk credentials were refused at the last token fetch (1; absent once a fetch succeeds)',
    labelNames: ['tenant'],
    registers: [registry],
    async collect() {
      const rows = await sqlite.read((sql) => sql.all<{ id: string }>('SELECT id FROM Tenant WHERE credentialsFailingSince IS NOT NULL'));
      this.reset();
      for (const row of rows) this.set({ tenant: row.id }, 1);
    },
  });

  new Gauge({
    name: 'cloud_db_size_bytes',
    help: "The SQLite database file's size (pages × page size)",
    registers: [registry],
    async collect() {
      const size = await sqlite.read((sql) =>
        sql.get<{ bytes: number }>('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()'),
      );
      this.set(size?.bytes ?? 0);
    },
  });
}

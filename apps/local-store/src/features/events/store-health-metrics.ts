// What an operator alerts on at the store, read from Postgres at scrape time: events that could not
// be applied (dead) and pushes to the customer's own endpoints by status (a growing dead count means
// an endpoint has been failing past the retry schedule).
import { Gauge, type Registry } from 'prom-client';
import type { Sql } from '../../db/sql';

export function registerStoreHealthMetrics(registry: Registry, sql: Sql): void {
  new Gauge({
    name: 'local_store_dead_events',
    help: 'Cloud events the store could not apply, kept for a look (GET /api/admin/dead-events)',
    registers: [registry],
    async collect() {
      const [row] = await sql.query<{ n: string }>('SELECT count(*) AS n FROM dead_events');
      this.set(Number(row?.n ?? 0));
    },
  });
  new Gauge({
    name: 'local_store_subscription_deliveries',
    help: 'Change events not yet delivered to subscribed endpoints, by status (pending, delivering, dead)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await sql.query<{ status: string; n: string }>(
        "SELECT status, count(*) AS n FROM subscription_deliveries WHERE status <> 'delivered' GROUP BY status",
      );
      this.reset();
      for (const status of ['pending', 'delivering', 'dead']) this.set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
    },
  });
}

// What the operator console reads besides the admin API's own routes: every tenant's health, a
// tenant's recent events, the job backlog, and the audit log. Reads only; the same access as /admin
// (admin token, or a console session of either role).
import type { Router } from 'express';
import { z } from 'zod';
import { notFound, redactText, type ApiRegistry } from '@dtg/service-kit';
import type { CloudServices } from '../../services';
import { AuditEntrySchema, AuditFilterSchema } from '../audit/audit-log';
import { adminAccess } from './admin-access';
import { TenantHealthSchema, tenantHealth } from './tenant-health';
import { tenantActivity } from './tenant-activity';
import { at } from '../../db/sql';

const errors = { 400: { description: 'Invalid input' }, 401: { description: 'Admin token or operator session required' }, 404: { description: 'Not found' } };

const EventSummarySchema = z.object({ id: z.string(), seq: z.number().int(), type: z.string(), occurredAt: z.date() });
const JobsViewSchema = z.object({
  backlog: z.array(z.object({ kind: z.string(), status: z.string(), count: z.number().int() })),
  failing: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      tenantId: z.string().nullable(),
      status: z.string(),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      updatedAt: z.date(),
    }),
  ),
});

export function operatorViewsRoutes(s: CloudServices, api: ApiRegistry): Router {
  const router = api.router('/admin/views');
  const before = [adminAccess({ adminToken: s.config.ADMIN_TOKEN, operators: s.operators })];
  const spec = { before, security: ['admin'], tags: ['admin'] };
  const caps = { internal: s.config.MESSAGE_DAILY_CAP_INTERNAL, isv: s.config.MESSAGE_DAILY_CAP_ISV };

  api.add(
    router,
    {
      ...spec,
      method: 'get',
      path: '/admin/views/tenants',
      summary:
        "Every tenant's health (delivery lag, pending and dead deliveries, last push, token, quota use), unhealthy first; `q` searches name, id and corpId",
      input: { query: z.object({ q: z.string().trim().max(100).optional(), health: TenantHealthSchema.shape.health.optional() }) },
      responses: { 200: { description: 'Tenants', schema: z.object({ items: z.array(TenantHealthSchema) }) }, ...errors },
    },
    async ({ query }, _req, res) => {
      const items = await s.sqldb.read(async (sql) => tenantHealth(sql, { now: Date.now(), caps, suiteKey: s.config.SUITE_KEY, query: query.q }));
      res.json({ items: query.health ? items.filter((t) => t.health === query.health) : items });
    },
  );
  api.add(
    router,
    {
      ...spec,
      method: 'get',
      path: '/admin/views/tenants/:id',
      summary: "One tenant's health, its recent events and deliveries, and the secret rotation grace period",
      input: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: {
        200: {
          description: 'Tenant health',
          schema: z.object({
            health: TenantHealthSchema,
            events: z.array(EventSummarySchema),
            previousSecretExpiresAt: z.date().nullable(),
            rotationGraceMs: z.number().int(),
          }),
        },
        ...errors,
      },
    },
    async ({ params }, _req, res) => {
      const [health] = await s.sqldb.read(async (sql) => tenantHealth(sql, { now: Date.now(), caps, suiteKey: s.config.SUITE_KEY, tenantId: params.id }));
      const found = await s.sqldb.read(async (sql) => {
        const tenant = await sql.get<{ previousSecretExpiresAt: number | null }>(`SELECT "previousSecretExpiresAt" FROM "Tenant" WHERE id = ?`, params.id);
        if (!tenant) return undefined;
        const events = await sql.all<{ id: string; seq: number; type: string; occurredAt: number }>(
          `SELECT id, seq, type, "occurredAt" FROM "Event" WHERE "tenantId" = ? ORDER BY seq DESC LIMIT 20`,
          params.id,
        );
        return { tenant, events };
      });
      if (!health || !found) throw notFound(`tenant ${params.id} not found`);
      const events = found.events.map((e) => ({ ...e, occurredAt: new Date(e.occurredAt) }));
      const previousSecretExpiresAt = at(found.tenant.previousSecretExpiresAt);
      res.json({ health, events, previousSecretExpiresAt, rotationGraceMs: s.config.SECRET_ROTATION_GRACE });
    },
  );
  api.add(
    router,
    {
      ...spec,
      method: 'get',
      path: '/admin/views/tenants/:id/activity',
      summary: "A tenant's last 24 hours by the hour: events written, events pushed, and the worst push lag",
      input: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: {
        200: {
          description: 'Hours, oldest first',
          schema: z.object({
            hours: z.array(z.object({ at: z.number().int(), events: z.number().int(), pushed: z.number().int(), maxLagMs: z.number().int().nullable() })),
          }),
        },
        ...errors,
      },
    },
    async ({ params }, _req, res) => {
      res.json({ hours: await s.sqldb.read(async (sql) => tenantActivity(sql, params.id, Date.now())) });
    },
  );
  api.add(
    router,
    {
      ...spec,
      method: 'get',
      path: '/admin/views/dingtalk-calls',
      summary: 'DingTalk API calls since this process started, by API and result (ok, or the error code)',
      responses: {
        200: { description: 'Counts', schema: z.object({ items: z.array(z.object({ api: z.string(), result: z.string(), count: z.number() })) }) },
        ...errors,
      },
    },
    async (_input, _req, res) => {
      res.json({ items: await s.dingtalkCalls.snapshot() });
    },
  );
  api.add(
    router,
    {
      ...spec,
      method: 'get',
      path: '/admin/views/jobs',
      summary: 'The job backlog by kind and status, and the jobs failing now with their last error (secrets redacted)',
      responses: { 200: { description: 'Jobs', schema: JobsViewSchema }, ...errors },
    },
    async (_input, _req, res) => {
      const backlog = await s.sqldb.read(
        async (sql) =>
          await sql.all<{ kind: string; status: string; count: number }>(
            `SELECT kind, status, count(*) AS count FROM "Job" WHERE status IN ('queued', 'running', 'failed') GROUP BY kind, status ORDER BY kind, status`,
          ),
      );
      const failing = await s.sqldb.read(
        async (sql) =>
          await sql.all<{ id: string; kind: string; tenantId: string | null; status: string; attempts: number; lastError: string | null; updatedAt: number }>(
            `SELECT id, kind, "tenantId", status, attempts, "lastError", "updatedAt" FROM "Job"
              WHERE status = 'failed' OR (status IN ('queued', 'running') AND "lastError" IS NOT NULL)
              ORDER BY "updatedAt" DESC LIMIT 50`,
          ),
      );
      res.json({
        backlog,
        failing: failing.map((j) => ({
          ...j,
          updatedAt: new Date(j.updatedAt),
          lastError: j.lastError === null ? null : redactText(j.lastError).slice(0, 500),
        })),
      });
    },
  );
  api.add(
    router,
    {
      ...spec,
      method: 'get',
      path: '/admin/views/audit',
      summary: 'The audit log, newest first: every admin action from the console, the admin API and the CLI',
      input: { query: AuditFilterSchema },
      responses: { 200: { description: 'Entries', schema: z.object({ items: z.array(AuditEntrySchema) }) }, ...errors },
    },
    async ({ query }, _req, res) => {
      res.json({ items: await s.audit.list(query) });
    },
  );
  return router;
}

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
      const tenant = await s.db.tenant.findUnique({ where: { id: params.id }, select: { previousSecretExpiresAt: true } });
      if (!health || !tenant) throw notFound(`tenant ${params.id} not found`);
      const events = await s.db.event.findMany({
        where: { tenantId: params.id },
        orderBy: { seq: 'desc' },
        take: 20,
        select: { id: true, seq: true, type: true, occurredAt: true },
      });
      res.json({ health, events, previousSecretExpiresAt: tenant.previousSecretExpiresAt, rotationGraceMs: s.config.SECRET_ROTATION_GRACE });
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
      const failing = await s.db.job.findMany({
        where: { OR: [{ status: 'failed' }, { status: { in: ['queued', 'running'] }, lastError: { not: null } }] },
        orderBy: { updatedAt: 'desc' },
        take: 50,
        select: { id: true, kind: true, tenantId: true, status: true, attempts: true, lastError: true, updatedAt: true },
      });
      res.json({ backlog, failing: failing.map((j) => ({ ...j, lastError: j.lastError === null ? null : redactText(j.lastError).slice(0, 500) })) });
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

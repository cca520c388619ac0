// Operator API (admin token): the same operations as the admin CLI, over HTTP.
import type { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry, ApiRouteSpec } from '@dtg/service-kit';
import type { CloudServices } from '../../services';
import { apiKeysService } from '../api-keys/api-keys.service';
import { requireAdmin } from '../auth/authenticate.middleware';
import { SCOPES, ScopeSchema } from '../auth/permissions';
import { DeliveryViewSchema } from '../delivery/deliveries.service';
import { CallUsageSchema } from '../dingtalk/call-budget';
import { TenantCheckReportSchema } from '../diagnostics/tenant-check';
import { CreateTenantSchema, ProvidedCredentialsSchema, TenantViewSchema, UpdateTenantSchema } from '../tenants/tenant';

const StreamConnectionViewSchema = z.object({
  source: z.string(),
  tenantId: z.string().nullable(),
  clientId: z.string(),
  state: z.enum(['idle', 'connecting', 'open', 'backoff', 'stopped']),
  since: z.date(),
  connects: z.number().int(),
  eventsReceived: z.number().int(),
  lastConnectedAt: z.date().nullable(),
  lastError: z.string().nullable(),
});

const IdParams = z.object({ id: z.string().min(1).max(64) });
const IssuedKeySchema = z.object({ id: z.string(), name: z.string(), prefix: z.string(), scopes: z.array(ScopeSchema), key: z.string() });
const ApiKeyViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ScopeSchema),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
const errors = { 400: { description: 'Invalid input' }, 401: { description: 'Admin token required' }, 404: { description: 'Not found' } };

/** What follows the tenants table: Stream connections and reconcile slots (both also re-read it on their own timers). */
function tenantsChanged(s: CloudServices): void {
  // Not awaited: the admin answer does not wait for DingTalk connections; reconcile() logs its own failures and never rejects.
  void s.stream.reconcile();
  s.directory.wakeReconciles().catch((err: unknown) => s.logger.warn('could not wake the reconcile scheduler; it looks again within a minute', { err }));
}

export function adminRoutes(s: CloudServices, api: ApiRegistry): Router {
  const router = api.router('/admin');
  const before = [requireAdmin(s.config.ADMIN_TOKEN)];
  const spec = <T extends Omit<ApiRouteSpec, 'before' | 'security' | 'tags'>>(x: T) => ({ ...x, before, security: ['admin'], tags: ['admin'] });

  api.add(
    router,
    spec({
      method: 'post',
      path: '/admin/tenants',
      summary: 'Create a tenant (API key and webhook secret are shown once; `credentials` fixes them instead, for infrastructure as code)',
      input: { body: CreateTenantSchema.and(z.object({ credentials: ProvidedCredentialsSchema.optional() })) },
      responses: {
        201: { description: 'Created', schema: z.object({ tenant: TenantViewSchema, apiKey: IssuedKeySchema, webhookSecret: z.string() }) },
        409: { description: 'Tenant exists' },
        ...errors,
      },
    }),
    async ({ body }, _req, res) => {
      const { credentials, ...tenant } = body;
      res.status(201).json(await s.tenants.create(tenant, credentials));
      tenantsChanged(s);
    },
  );
  api.add(
    router,
    spec({
      method: 'get',
      path: '/admin/tenants',
      summary: 'List tenants',
      responses: { 200: { description: 'Tenants', schema: z.object({ items: z.array(TenantViewSchema) }) }, ...errors },
    }),
    async (_input, _req, res) => {
      res.json({ items: await s.tenants.list() });
    },
  );
  api.add(
    router,
    spec({
      method: 'get',
      path: '/admin/tenants/:id',
      summary: 'One tenant with its API keys',
      input: { params: IdParams },
      responses: { 200: { description: 'Tenant', schema: TenantViewSchema.extend({ apiKeys: z.array(ApiKeyViewSchema) }) }, ...errors },
    }),
    async ({ params }, _req, res) => {
      const tenant = await s.tenants.get(params.id);
      res.json({ ...tenant, apiKeys: await apiKeysService.list(s.db, tenant.id) });
    },
  );
  api.add(
    router,
    spec({
      method: 'patch',
      path: '/admin/tenants/:id',
      summary: 'Update a tenant (`memberSendPolicy`: the fields given replace the current ones)',
      input: { params: IdParams, body: UpdateTenantSchema },
      responses: { 200: { description: 'Updated', schema: TenantViewSchema }, ...errors },
    }),
    async ({ params, body }, _req, res) => {
      res.json(await s.tenants.update(params.id, body));
      tenantsChanged(s);
    },
  );
  api.add(
    router,
    spec({
      method: 'get',
      path: '/admin/tenants/:id/dingtalk-calls',
      summary: "The org's counted DingTalk calls this month against its budget (receipt polling stops when it is spent; sends go on)",
      input: { params: IdParams },
      responses: { 200: { description: 'Usage', schema: CallUsageSchema }, ...errors },
    }),
    async ({ params }, _req, res) => {
      res.json(await s.callBudget.usage(await s.tenants.get(params.id)));
    },
  );
  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['activate', 'active'],
  ] as const) {
    api.add(
      router,
      spec({
        method: 'post',
        path: `/admin/tenants/:id/${action}`,
        summary: `${action === 'suspend' ? 'Suspend' : 'Re-activate'} a tenant`,
        input: { params: IdParams },
        responses: { 200: { description: 'Tenant', schema: TenantViewSchema }, ...errors },
      }),
      async ({ params }, _req, res) => {
        res.json(await s.tenants.setStatus(params.id, status));
        s.dispatcher.kick();
        tenantsChanged(s);
      },
    );
  }
  api.add(
    router,
    spec({
      method: 'post',
      path: '/admin/tenants/:id/enable-endpoint',
      summary:
        "Re-enable a tenant's webhook endpoint disabled after failing for ENDPOINT_DISABLE_AFTER: its pending deliveries are pushed at once (dead ones stay dead; replay them)",
      input: { params: IdParams },
      responses: {
        200: {
          description: 'Re-enabled (wasDisabled is false when it was not disabled; the failure clock restarts either way)',
          schema: z.object({ tenantId: z.string(), wasDisabled: z.boolean(), resumed: z.number().int() }),
        },
        ...errors,
      },
    }),
    async ({ params }, _req, res) => {
      res.json(await s.health.enable(params.id));
    },
  );
  api.add(
    router,
    spec({
      method: 'post',
      path: '/admin/tenants/:id/rotate-secret',
      summary: 'New webhook secret; the old one keeps signing during the grace period',
      input: { params: IdParams },
      responses: {
        200: { description: 'Rotated', schema: z.object({ tenant: TenantViewSchema, webhookSecret: z.string(), previousSecretExpiresAt: z.date() }) },
        ...errors,
      },
    }),
    async ({ params }, _req, res) => {
      res.json(await s.tenants.rotateSecret(params.id));
    },
  );
  api.add(
    router,
    spec({
      method: 'post',
      path: '/admin/tenants/:id/api-keys',
      summary: `Issue an API key (shown once) with the scopes given (${SCOPES.join(', ')}; all of them when none are given)`,
      input: {
        params: IdParams,
        body: z.object({ name: z.string().trim().min(1).max(100).default('default'), scopes: z.array(ScopeSchema).min(1).max(SCOPES.length).optional() }),
      },
      responses: { 201: { description: 'Issued', schema: IssuedKeySchema }, ...errors },
    }),
    async ({ params, body }, _req, res) => {
      await s.tenants.get(params.id);
      res.status(201).json(await apiKeysService.issue(s.db, params.id, body));
    },
  );
  api.add(
    router,
    spec({
      method: 'delete',
      path: '/admin/api-keys/:id',
      summary: 'Revoke an API key',
      input: { params: IdParams },
      responses: { 200: { description: 'Revoked', schema: ApiKeyViewSchema }, ...errors },
    }),
    async ({ params }, _req, res) => {
      res.json(await apiKeysService.revoke(s.db, params.id));
    },
  );
  api.add(
    router,
    spec({
      method: 'post',
      path: '/admin/tenants/:id/replay',
      summary: 'Push every event from a seq again',
      input: { params: IdParams, body: z.object({ fromSeq: z.number().int().min(1) }) },
      responses: { 200: { description: 'Requeued', schema: z.object({ requeued: z.number().int(), created: z.number().int() }) }, ...errors },
    }),
    async ({ params, body }, _req, res) => {
      res.json(await s.deliveries.replay(params.id, body.fromSeq));
    },
  );
  api.add(
    router,
    spec({
      method: 'post',
      path: '/admin/tenants/:id/test-events',
      summary: 'Emit test.ping events (check the webhook path end to end)',
      input: { params: IdParams, body: z.object({ count: z.number().int().min(1).max(100_000).default(1), note: z.string().max(200).optional() }) },
      responses: { 202: { description: 'Emitted', schema: z.object({ emitted: z.number().int(), lastSeq: z.number().int() }) }, ...errors },
    }),
    async ({ params, body }, _req, res) => {
      res.status(202).json(await s.pingEvents.emit(params.id, body.count, body.note));
    },
  );
  api.add(
    router,
    spec({
      method: 'get',
      path: '/admin/tenants/:id/check',
      summary:
        "Probe a tenant's DingTalk setup (credentials, AgentId, each permission the gateway uses, events): pass/fail per check, with the fix for each failure",
      input: { params: IdParams },
      responses: { 200: { description: 'The report (ok is false when any check failed)', schema: TenantCheckReportSchema }, ...errors },
    }),
    async ({ params }, _req, res) => {
      res.json(await s.check.run(params.id));
    },
  );
  api.add(
    router,
    spec({
      method: 'get',
      path: '/admin/stream/connections',
      summary: 'Stream connections the cloud holds (stream tenants, the suite) and their state',
      responses: { 200: { description: 'Connections', schema: z.object({ items: z.array(StreamConnectionViewSchema) }) }, ...errors },
    }),
    async (_input, _req, res) => {
      res.json({ items: s.stream.list() });
    },
  );
  api.add(
    router,
    spec({
      method: 'get',
      path: '/admin/deliveries',
      summary: 'Deliveries by status (e.g. dead)',
      input: {
        query: z.object({
          status: z.enum(['pending', 'delivering', 'delivered', 'dead']).optional(),
          tenantId: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: { 200: { description: 'Deliveries', schema: z.object({ items: z.array(DeliveryViewSchema) }) }, ...errors },
    }),
    async ({ query }, _req, res) => {
      res.json({ items: await s.deliveries.list(query) });
    },
  );
  return router;
}

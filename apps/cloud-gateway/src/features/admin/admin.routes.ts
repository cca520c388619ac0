// Operator API (admin token, or an operator's console session): the same operations as the admin
// CLI, over HTTP. Every change is written to the audit log with who made it and from where.
import type { Response, Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry, ApiRouteSpec } from '@dtg/service-kit';
import type { CloudServices } from '../../services';
import { apiKeysService } from '../api-keys/api-keys.service';
import { adminActor, adminAccess } from '../operators/admin-access';
import { secretsChanged, type AuditRecord } from '../audit/audit-log';
import { SCOPES, ScopeSchema } from '../auth/permissions';
import { DeliveryAttemptViewSchema, DeliveryViewSchema } from '../delivery/deliveries.service';
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

/**
 * Shown by /docs (and pre-filled by "Try it out"); apps/cloud-gateway/test/openapi.test.ts creates a
 * tenant with it. No webhookUrl: the cloud refuses one whose host does not resolve, so the tenant
 * starts in pull mode (add the store's URL with PATCH).
 */
const CREATE_TENANT_EXAMPLE = {
  name: 'Acme Ltd',
  corpId: 'dingacme0000000001',
  mode: 'internal',
  appKey: 'dingacmeappkey0001',
  appSecret: 'the-app-secret-from-the-developer-console',
  agentId: 3000000001,
  returnUrls: ['https://store.acme.example/'],
};

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
/** Settings whose values never reach the audit log: only that they were set. */
const SECRET_FIELDS = ['appSecret', 'callbackToken', 'callbackAesKey'] as const;
const errors = {
  400: { description: 'Invalid input' },
  401: { description: 'Admin token or operator session required' },
  403: { description: 'A viewer, or a console change without its CSRF token' },
  404: { description: 'Not found' },
};

/** What follows the tenants table: Stream connections and reconcile slots (both also re-read it on their own timers). */
function tenantsChanged(s: CloudServices): void {
  // Not awaited: the admin answer does not wait for DingTalk connections; reconcile() logs its own failures and never rejects.
  void s.stream.reconcile();
  s.directory.wakeReconciles().catch((err: unknown) => s.logger.warn('could not wake the reconcile scheduler; it looks again within a minute', { err }));
}

export function adminRoutes(s: CloudServices, api: ApiRegistry): Router {
  const router = api.router('/admin');
  const before = [adminAccess({ adminToken: s.config.ADMIN_TOKEN, operators: s.operators })];
  const spec = <T extends Omit<ApiRouteSpec, 'before' | 'security' | 'tags'>>(x: T) => ({ ...x, before, security: ['admin'], tags: ['admin'] });
  const audit = (res: Response, what: AuditRecord) => s.audit.record(adminActor(res), what);

  api.add(
    router,
    spec({
      method: 'post',
      path: '/admin/tenants',
      summary: 'Create a tenant (API key and webhook secret are shown once; `credentials` fixes them instead, for infrastructure as code)',
      input: { body: CreateTenantSchema.and(z.object({ credentials: ProvidedCredentialsSchema.optional() })).meta({ examples: [CREATE_TENANT_EXAMPLE] }) },
      responses: {
        201: { description: 'Created', schema: z.object({ tenant: TenantViewSchema, apiKey: IssuedKeySchema, webhookSecret: z.string() }) },
        409: { description: 'Tenant exists' },
        ...errors,
      },
    }),
    async ({ body }, _req, res) => {
      const { credentials, ...tenant } = body;
      const created = await s.tenants.create(tenant, credentials);
      await audit(res, {
        action: 'tenant.create',
        tenantId: created.tenant.id,
        after: { ...created.tenant, secretsChanged: secretsChanged(tenant, SECRET_FIELDS) },
      });
      res.status(201).json(created);
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
      res.json({ ...tenant, apiKeys: await apiKeysService.list(s.sqldb, tenant.id) });
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
      const previous = await s.tenants.get(params.id);
      const updated = await s.tenants.update(params.id, body);
      await audit(res, {
        action: 'tenant.update',
        tenantId: params.id,
        before: previous,
        after: { ...updated, secretsChanged: secretsChanged(body, SECRET_FIELDS) },
      });
      res.json(updated);
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
        const previous = await s.tenants.get(params.id);
        const updated = await s.tenants.setStatus(params.id, status);
        await audit(res, { action: `tenant.${action}`, tenantId: params.id, before: { status: previous.status }, after: { status: updated.status } });
        res.json(updated);
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
      const rotated = await s.tenants.rotateSecret(params.id);
      await audit(res, {
        action: 'tenant.rotate-secret',
        tenantId: params.id,
        after: { secretsChanged: ['webhookSecret'], previousSecretExpiresAt: rotated.previousSecretExpiresAt },
      });
      res.json(rotated);
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
      const issued = await apiKeysService.issue(s.sqldb, params.id, body);
      await audit(res, {
        action: 'apikey.issue',
        tenantId: params.id,
        target: issued.id,
        after: { name: issued.name, prefix: issued.prefix, scopes: issued.scopes },
      });
      res.status(201).json(issued);
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
      const revoked = await apiKeysService.revoke(s.sqldb, params.id);
      await audit(res, { action: 'apikey.revoke', tenantId: revoked.tenantId, target: revoked.id, after: { name: revoked.name, prefix: revoked.prefix } });
      res.json(revoked);
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
      const replayed = await s.deliveries.replay(params.id, body.fromSeq);
      await audit(res, { action: 'events.replay', tenantId: params.id, after: { fromSeq: body.fromSeq, ...replayed } });
      res.json(replayed);
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
      const emitted = await s.pingEvents.emit(params.id, body.count, body.note);
      await audit(res, { action: 'events.test', tenantId: params.id, after: emitted });
      res.status(202).json(emitted);
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
      const report = await s.check.run(params.id);
      // A probe, not a change, but it calls DingTalk with the tenant's credentials: worth a line.
      await audit(res, { action: 'tenant.check', tenantId: params.id, after: { ok: report.ok } });
      res.json(report);
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
  api.add(
    router,
    spec({
      method: 'get',
      path: '/admin/deliveries/:id',
      summary: 'One delivery with its latest attempts (status, response code, the first bytes of the answer, duration)',
      input: { params: IdParams },
      responses: { 200: { description: 'Delivery', schema: DeliveryViewSchema.extend({ attemptLog: z.array(DeliveryAttemptViewSchema) }) }, ...errors },
    }),
    async ({ params }, _req, res) => {
      res.json(await s.deliveries.get(params.id));
    },
  );
  api.add(
    router,
    spec({
      method: 'post',
      path: '/admin/deliveries/:id/resend',
      summary: 'Resend one dead delivery: back on the push queue now, with a fresh retry schedule',
      input: { params: IdParams },
      responses: { 200: { description: 'Requeued', schema: DeliveryViewSchema }, 409: { description: 'The delivery is not dead' }, ...errors },
    }),
    async ({ params }, _req, res) => {
      const resent = await s.deliveries.resend(params.id);
      await audit(res, {
        action: 'delivery.resend',
        tenantId: resent.tenantId,
        target: resent.id,
        before: { status: 'dead' },
        after: { status: resent.status, seq: resent.seq },
      });
      res.json(resent);
    },
  );
  return router;
}

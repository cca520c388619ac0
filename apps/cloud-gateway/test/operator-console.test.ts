// The operator console's server side on a real cloud (SQLite file, HTTP, a real webhook receiver):
// operator accounts and sessions, CSRF, roles, the audit log of every admin action (console, admin
// token), tenant health, and resending a dead delivery.
import request from 'supertest';
import { waitFor } from '@dtg/testkit';
import { ADMIN_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';
import { startReceiver, type WebhookReceiver } from './support/webhook-receiver';
import { totpCode } from '../src/features/operators/totp';

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  headers: Headers;
}

async function call(
  h: CloudHarness,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; cookie?: string; csrf?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(h.url + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text, headers: res.headers };
}

const admin = (h: CloudHarness, method: string, path: string, body?: unknown) => call(h, method, path, { body, token: ADMIN_TOKEN });

async function signIn(h: CloudHarness, username: string, password: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await call(h, 'POST', '/admin/session', { body: { username, password } });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] ?? '', csrf: res.body.csrfToken, setCookie };
}

describe('operator console (cloud side)', () => {
  let h: CloudHarness;
  let receiver: WebhookReceiver;
  let tenantId: string;

  beforeEach(async () => {
    receiver = await startReceiver();
    h = await startCloud({ env: { WEBHOOK_RETRY_SCHEDULE: '50ms,50ms' } });
    const created = await admin(h, 'POST', '/admin/tenants', {
      name: 'Acme',
      corpId: 'dingacme',
      appKey: 'k',
      appSecret: 'app-secret-value',
      agentId: 1,
      webhookUrl: receiver.url,
    });
    expect(created.status).toBe(201);
    tenantId = created.body.tenant.id;
    await h.services.operators.create({ username: 'olivia', password: 'correct horse battery', role: 'admin' });
    await h.services.operators.create({ username: 'victor', password: 'viewer password 1', role: 'viewer' });
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  it('when an operator signs in, then the cookie is httpOnly and SameSite=Strict, only its hash is stored, and a wrong password is refused alike', async () => {
    const { setCookie, cookie } = await signIn(h, 'olivia', 'correct horse battery');
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/admin/i);
    const token = decodeURIComponent(cookie.split('=')[1] ?? '');
    const rows = await h.services.db.operatorSession.findMany();
    expect(rows.map((r) => r.id)).not.toContain(token);
    const operator = await h.services.db.operator.findUniqueOrThrow({ where: { username: 'olivia' } });
    expect(operator.passwordHash).toMatch(/^scrypt\$/);
    expect(operator.passwordHash).not.toContain('correct horse');

    const wrong = await call(h, 'POST', '/admin/session', { body: { username: 'olivia', password: 'nope' } });
    const unknown = await call(h, 'POST', '/admin/session', { body: { username: 'nobody', password: 'nope' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    // A refusal changes nothing: no audit row (the log has it), only the one successful sign-in.
    expect((await h.services.audit.list({ actor: 'olivia' })).map((e) => e.action)).toEqual(['operator.sign-in']);
  });

  it('when an operator turns two-step sign-in on, then the password alone is refused and the authenticator code signs in; the secret is stored sealed', async () => {
    const { secret, otpauthUri } = await h.services.operators.enableTotp('olivia');
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const row = await h.services.db.operator.findUniqueOrThrow({ where: { username: 'olivia' } });
    expect(row.totpSecretEnc).not.toContain(secret);
    const body = { username: 'olivia', password: 'correct horse battery' };
    expect((await call(h, 'POST', '/admin/session', { body })).status).toBe(401);
    expect((await call(h, 'POST', '/admin/session', { body: { ...body, totp: '12345' } })).status).toBe(400);
    const wrong = String((Number(totpCode(secret, Date.now())) + 500_000) % 1_000_000).padStart(6, '0');
    expect((await call(h, 'POST', '/admin/session', { body: { ...body, totp: wrong } })).status).toBe(401);
    expect((await call(h, 'POST', '/admin/session', { body: { ...body, totp: totpCode(secret, Date.now()) } })).status).toBe(200);
  });

  it('when the console changes a setting, then the CSRF token is required, and the change is audited with who, from where and before/after (no secret)', async () => {
    const { cookie, csrf } = await signIn(h, 'olivia', 'correct horse battery');
    const withoutCsrf = await call(h, 'PATCH', `/admin/tenants/${tenantId}`, { cookie, body: { name: 'Forged' } });
    expect(withoutCsrf.status).toBe(403);
    expect((await h.services.tenants.get(tenantId)).name).toBe('Acme');

    const bad = await call(h, 'PATCH', `/admin/tenants/${tenantId}`, { cookie, csrf, body: { webhookUrl: 'not a url' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain('body.webhookUrl');

    const ok = await call(h, 'PATCH', `/admin/tenants/${tenantId}`, { cookie, csrf, body: { name: 'Acme Ltd', appSecret: 'new-app-secret' } });
    expect(ok.status).toBe(200);
    const [entry] = await h.services.audit.list({ tenantId, action: 'tenant.update' });
    expect(entry).toMatchObject({ via: 'console', actor: 'olivia', source: expect.stringMatching(/127\.0\.0\.1/) });
    expect(entry?.before).toMatchObject({ name: 'Acme' });
    expect(entry?.after).toMatchObject({ name: 'Acme Ltd', secretsChanged: ['appSecret'] });
    expect(JSON.stringify(entry)).not.toContain('new-app-secret');

    const viaToken = await admin(h, 'POST', `/admin/tenants/${tenantId}/rotate-secret`);
    expect(viaToken.status).toBe(200);
    const [rotation] = await h.services.audit.list({ tenantId, action: 'tenant.rotate-secret' });
    expect(rotation).toMatchObject({ via: 'api', actor: 'admin-token' });
    expect(JSON.stringify(rotation)).not.toContain(viaToken.body.webhookSecret);

    const listed = await call(h, 'GET', `/admin/views/audit?tenantId=${tenantId}`, { cookie });
    expect(listed.body.items.map((e: { action: string }) => e.action)).toEqual(['tenant.rotate-secret', 'tenant.update', 'tenant.create']);
  });

  it('when a viewer tries every change, then each is refused 403 and nothing is written; reads work', async () => {
    const { cookie, csrf } = await signIn(h, 'victor', 'viewer password 1');
    const before = { tenant: await h.services.tenants.get(tenantId), audit: await h.services.db.auditEntry.count(), keys: await h.services.db.apiKey.count() };
    const changes: [string, string, unknown?][] = [
      ['PATCH', `/admin/tenants/${tenantId}`, { name: 'Viewer was here' }],
      ['POST', `/admin/tenants/${tenantId}/suspend`],
      ['POST', `/admin/tenants/${tenantId}/rotate-secret`],
      ['POST', `/admin/tenants/${tenantId}/api-keys`, { name: 'x' }],
      ['POST', `/admin/tenants/${tenantId}/replay`, { fromSeq: 1 }],
      ['POST', '/admin/deliveries/dlv_x/resend'],
      ['POST', '/admin/tenants', { name: 'New', corpId: 'dingnew' }],
    ];
    for (const [method, path, body] of changes) {
      const res = await call(h, method, path, { cookie, csrf, body });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect(await h.services.tenants.get(tenantId)).toEqual(before.tenant);
    expect(await h.services.db.auditEntry.count()).toBe(before.audit);
    expect(await h.services.db.apiKey.count()).toBe(before.keys);
    expect((await call(h, 'GET', '/admin/views/tenants', { cookie })).status).toBe(200);
    expect((await call(h, 'GET', `/admin/tenants/${tenantId}`, { cookie })).status).toBe(200);
  });

  it('when the store is down, then the tenant is flagged and its lag grows; once back, a dead delivery is resent and delivered, and audited', async () => {
    receiver.respond = () => ({ status: 503 });
    expect((await admin(h, 'POST', `/admin/tenants/${tenantId}/test-events`, { count: 1 })).status).toBe(202);
    const flagged = await waitFor(async () => {
      const { body } = await admin(h, 'GET', '/admin/views/tenants');
      const row = body.items.find((t: { id: string }) => t.id === tenantId);
      return row?.health === 'failing' ? row : undefined;
    }, 'the tenant flagged failing');
    expect(flagged).toMatchObject({ dead: 1, pending: 0 });
    const firstLag = flagged.lagMs as number;
    await waitFor(async () => {
      const { body } = await admin(h, 'GET', `/admin/views/tenants/${tenantId}`);
      return body.health.lagMs > firstLag;
    }, 'the lag growing');

    const [dead] = (await admin(h, 'GET', `/admin/deliveries?status=dead&tenantId=${tenantId}`)).body.items;
    const detail = await admin(h, 'GET', `/admin/deliveries/${dead.id}`);
    expect(detail.body.attemptLog[0]).toMatchObject({ httpStatus: 503, response: expect.stringContaining('ok') });

    receiver.respond = () => ({ status: 200 });
    const { cookie, csrf } = await signIn(h, 'olivia', 'correct horse battery');
    const resent = await call(h, 'POST', `/admin/deliveries/${dead.id}/resend`, { cookie, csrf });
    expect(resent.status).toBe(200);
    await waitFor(
      async () => (await h.services.db.delivery.findUniqueOrThrow({ where: { id: dead.id } })).status === 'delivered',
      'the resent delivery delivered',
    );
    const again = await call(h, 'POST', `/admin/deliveries/${dead.id}/resend`, { cookie, csrf });
    expect(again.status).toBe(409);
    const [entry] = await h.services.audit.list({ action: 'delivery.resend' });
    expect(entry).toMatchObject({ via: 'console', actor: 'olivia', tenantId, target: dead.id });
    const { body } = await admin(h, 'GET', '/admin/views/tenants');
    expect(body.items.find((t: { id: string }) => t.id === tenantId)).toMatchObject({ health: 'ok', dead: 0, lastPushAt: expect.any(String) });
    const { hours } = (await admin(h, 'GET', `/admin/views/tenants/${tenantId}/activity`)).body;
    expect(hours).toHaveLength(24);
    const sum = (key: 'events' | 'pushed') => hours.reduce((n: number, x: { events: number; pushed: number }) => n + x[key], 0);
    expect([sum('events'), sum('pushed')]).toEqual([1, 1]);
    expect(hours.some((x: { maxLagMs: number | null }) => x.maxLagMs !== null && x.maxLagMs > 0)).toBe(true);
  });

  it("when DingTalk refuses the tenant's credentials or its endpoint is disabled, then the tenant is flagged failing with since when", async () => {
    const healthOf = async () => (await admin(h, 'GET', '/admin/views/tenants')).body.items.find((t: { id: string }) => t.id === tenantId);
    expect(await healthOf()).toMatchObject({ health: 'ok', credentialsFailingSince: null, endpointDisabledAt: null });
    // As credentials-health.ts leaves it after a refused token fetch (apps/cloud-gateway/test/ops-events-dingtalk.test.ts).
    const since = Date.now() - 60_000;
    await h.services.sqldb.write(async (sql) => await sql.run('UPDATE "Tenant" SET "credentialsFailingSince" = ? WHERE id = ?', new Date(since), tenantId));
    expect(await healthOf()).toMatchObject({ health: 'failing', credentialsFailingSince: new Date(since).toISOString() });
    await h.services.sqldb.write(
      async (sql) => await sql.run('UPDATE "Tenant" SET "credentialsFailingSince" = NULL, "endpointDisabledAt" = ? WHERE id = ?', new Date(since), tenantId),
    );
    expect(await healthOf()).toMatchObject({ health: 'failing', endpointDisabledAt: new Date(since).toISOString() });
  });

  it('when the console page is asked for, then it is served in either language with a strict CSP, and its assets load and revalidate by their own ETag', async () => {
    const en = await call(h, 'GET', '/admin/console');
    expect(en.status).toBe(200);
    expect(en.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(en.body).toContain('Operator console');
    const zh = await fetch(`${h.url}/admin/console`, { headers: { 'accept-language': 'zh-CN' } });
    expect(await zh.text()).toContain('运维控制台');
    const script = /src="([^"]+main\.js)"/.exec(en.body as string)?.[1];
    const asset = await fetch(h.url + script);
    expect(asset.status).toBe(200);
    // The files' own ETags are revalidated (the cloud's API answers carry none: app.ts).
    const etag = asset.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    // supertest, not fetch: fetch adds Cache-Control: no-cache to a request with If-None-Match.
    expect(
      (
        await request(h.url)
          .get(script as string)
          .set('if-none-match', etag)
      ).status,
    ).toBe(304);
    expect((await admin(h, 'GET', '/admin/tenants')).headers.get('etag')).toBeNull();
  });
});

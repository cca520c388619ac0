import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ADMIN_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';

const main = path.resolve(__dirname, '../src/main.ts');

describe('start-up configuration', () => {
  it('when the env is bad, then the process exits non-zero naming every bad variable (and no value)', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, PORT: 'abc', ENCRYPTION_KEY: 'short-secret-value', WEBHOOK_TIMEOUT: 'soon', DINGTALK_API_URL: 'not a url' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    for (const name of ['PORT', 'ENCRYPTION_KEY', 'ADMIN_TOKEN', 'USER_TOKEN_SECRET', 'WEBHOOK_TIMEOUT', 'DINGTALK_API_URL']) {
      expect(result.stderr).toContain(name);
    }
    expect(result.stderr).not.toContain('short-secret-value');
  }, 60_000);

  it('when given the secrets docker-compose.yml once shipped, then it exits non-zero naming each as published', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: {
        PATH: process.env.PATH,
        ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
        ADMIN_TOKEN: 'change-me-admin-token-0123456789',
        USER_TOKEN_SECRET: 'change-me-user-token-secret-0123456789abcdef',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    for (const name of ['ENCRYPTION_KEY', 'ADMIN_TOKEN', 'USER_TOKEN_SECRET'])
      expect(result.stderr).toMatch(new RegExp(`${name}:.*published in this repository`));
    expect(result.stderr).not.toMatch(/MDEyMzQ1|change-me-/);
  }, 60_000);
});

describe('bad input on the HTTP API', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloud();
  });
  afterAll(() => h.close());

  const post = (body: string, requestId?: string) =>
    fetch(`${h.url}/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
      body,
    });

  it('when the JSON is malformed, then 400 problem+json with the request id, nothing written', async () => {
    const res = await post('{"name": "Acme",', 'req-malformed-1');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('x-request-id')).toBe('req-malformed-1');
    expect(await res.json()).toMatchObject({ status: 400, code: 'malformed_json', requestId: 'req-malformed-1' });
    expect(await h.services.db.tenant.count()).toBe(0);
  });

  it('when a field has the wrong type, then 400 naming the field path, nothing written', async () => {
    const res = await post(JSON.stringify({ name: 42, corpId: 'dingx', appKey: 'k', appSecret: 's', agentId: 'seven' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; errors: { path: string }[]; requestId: string };
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body.name', 'body.agentId']));
    expect(body.requestId).toEqual(expect.any(String));
    expect(await h.services.db.tenant.count()).toBe(0);
  });

  it('when the route does not exist, then 404 problem+json', async () => {
    const res = await fetch(`${h.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, code: 'route_not_found' });
  });
});

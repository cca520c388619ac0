// The public API is callable from any web page (the local store's console calls it directly) with a
// bearer token, never with cookies; operator and login routes stay same-origin.
import { ProblemSchema } from '@dtg/service-kit';
import { ADMIN_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';

const ORIGIN = 'http://console.example:3000';

describe('CORS on /v1', () => {
  let h: CloudHarness;
  let apiKey: string;

  beforeAll(async () => {
    h = await startCloud({ dispatcher: false });
    const res = await fetch(`${h.url}/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Cors', corpId: 'dingcors', appKey: 'k', appSecret: 's', agentId: 1 }),
    });
    expect(res.status).toBe(201);
    apiKey = ((await res.json()) as { apiKey: { key: string } }).apiKey.key;
  });
  afterAll(() => h.close());

  it('when a browser sends a preflight, then 204 allows the methods and headers the API needs, without credentials or a token', async () => {
    const res = await fetch(`${h.url}/v1/messages`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')?.split(/,\s*/).sort()).toEqual(['DELETE', 'GET', 'POST']);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/).sort()).toEqual([
      'authorization',
      'content-type',
      'idempotency-key',
      'x-request-id',
    ]);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('when an authenticated call comes from another origin, then the answer is readable by it, Location included', async () => {
    const res = await fetch(`${h.url}/v1/events?after=0&limit=1`, { headers: { origin: ORIGIN, authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Location/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/X-Request-Id/);
  });

  it('when the token is missing, then the 401 problem still carries the CORS header so the page can show it', async () => {
    const res = await fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(ProblemSchema.parse(await res.json()).code).toBe('unauthorized');
  });

  it('when the admin API or the login routes are called cross-origin, then no CORS header is sent', async () => {
    const admin = await fetch(`${h.url}/admin/tenants`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'GET' } });
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
    const login = await fetch(`${h.url}/auth/dingtalk?tenant=nope&returnTo=x`, { headers: { origin: ORIGIN }, redirect: 'manual' });
    expect(login.headers.get('access-control-allow-origin')).toBeNull();
  });
});

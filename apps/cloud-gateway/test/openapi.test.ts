import { documentedRoutes, unservedRoutes, type ProbeRequest } from '@dtg/service-kit';
import { ADMIN_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';

describe('GET /openapi.json', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloud({ dispatcher: false });
  });
  afterAll(() => h.close());

  it('documents routes the app serves, each with its responses', async () => {
    const document = (await (await fetch(`${h.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: { content: Record<string, { example?: unknown }> } }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const probe: ProbeRequest = async (method, path) => {
      const res = await fetch(`${h.url}${path}`, { method: method.toUpperCase(), redirect: 'manual' });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    };
    // Every router is mounted under its prefix: a documented route that is not mounted (or under another prefix) answers route_not_found.
    expect(await unservedRoutes(probe, documentedRoutes(document), { asset: 'swagger-ui.css' })).toEqual([]);
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
    }
    // Its examples are real requests: the tenant example creates a tenant.
    const example = document.paths['/admin/tenants']?.['post']?.requestBody?.content['application/json']?.example;
    const created = await fetch(`${h.url}/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(example),
    });
    expect(created.status).toBe(201);
    expect(documentedRoutes(document)).toEqual(
      expect.arrayContaining(['post /v1/messages', 'get /v1/events', 'get /auth/dingtalk', 'post /callbacks/dingtalk', 'get /healthz']),
    );
  });
});

import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { CHANGE_TYPES } from '@dtg/contracts';
import { documentedRoutes, unservedRoutes } from '@dtg/service-kit';
import { user, userUpserted } from './support/events';
import { startTestStore, type TestStore } from './support/test-store';

const METRICS_TOKEN = 'test-metrics-token-0123456789';

let store: TestStore;

beforeAll(async () => {
  store = await startTestStore({ env: { METRICS_TOKEN } });
});
afterAll(() => store.close());

describe('GET /openapi.json', () => {
  it('documents routes the app serves', async () => {
    const document = (await request(store.app).get('/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe('3.1.0');
    const documented = documentedRoutes(document);
    const probe = async (method: string, path: string) => {
      const res = await request(store.app)[method as 'get'](path).redirects(0);
      return { status: res.status, body: res.body as unknown };
    };
    expect(await unservedRoutes(probe, documented, { asset: 'swagger-ui.css' })).toEqual([]);
    expect(documented).toEqual(
      expect.arrayContaining(['post /webhooks/cloud', 'post /api/session', 'get /api/users/:userid', 'get /api/messages/:id', 'get /readyz']),
    );
  });

  it('describes inputs, security and response bodies with schemas a JSON Schema validator can compile', async () => {
    const document = (await request(store.app).get('/openapi.json')).body;
    const users = document.paths['/api/users'].get;
    expect(users.security).toEqual([{ bearer: ['directory:read'] }, { session: ['directory:read'] }]);
    expect(document.paths['/api/me'].get.security).toEqual([{ session: [] }]);
    expect(users.parameters.map((parameter: { name: string }) => parameter.name).sort()).toEqual([
      'active',
      'cursor',
      'deptId',
      'includeInactive',
      'includeSubDepartments',
      'limit',
      'q',
      'updatedSince',
    ]);
    // Resolved inside the whole document, as OpenAPI tools do: the tree schema's own `#/$defs/…`
    // references must resolve within that schema, not against the document root.
    const ajv = new Ajv2020({ strict: false, validateSchema: false });
    ajv.addSchema(document, 'https://local-store.test/openapi.json');
    const validate = ajv.compile({
      $ref: 'https://local-store.test/openapi.json#/paths/~1api~1departments/get/responses/200/content/application~1json/schema',
    });
    expect(
      validate({
        items: [
          { deptId: 1, name: 'Root', parentId: null, memberCount: 0, children: [{ deptId: 2, name: 'Child', parentId: 1, memberCount: 3, children: [] }] },
        ],
      }),
    ).toBe(true);
    expect(validate({ items: [{ deptId: 1, name: 'Root', parentId: null, children: [{ deptId: 'two' }] }] })).toBe(false);
    expect(document.paths['/webhooks/cloud'].post.requestBody.content['application/json'].schema).toBeDefined();
    expect(document.components.securitySchemes.session).toEqual(expect.objectContaining({ in: 'cookie', name: 'dtg_session' }));
  });

  it('lists every change event a subscription can receive, with a schema that accepts a real one', async () => {
    const document = (await request(store.app).get('/openapi.json')).body;
    expect(Object.keys(document.webhooks).sort()).toEqual([...CHANGE_TYPES].sort());
    const ajv = new Ajv2020({ strict: false, validateSchema: false });
    ajv.addSchema(document, 'https://local-store.test/openapi.json');
    const validate = ajv.compile({ $ref: 'https://local-store.test/openapi.json#/webhooks/user.updated/post/requestBody/content/application~1json/schema' });
    const event = {
      id: 'chg_1',
      type: 'user.updated',
      seq: 4,
      occurredAt: '2026-12-06T10:00:00.000Z',
      data: { user: { userid: 'u', name: 'U', deptIds: [1], active: true }, version: 4 },
    };
    expect(validate(event)).toBe(true);
    expect(validate({ ...event, type: 'user.created' })).toBe(false);
  });
});

describe('ops endpoints', () => {
  it('GET /readyz is ready when the database answers and no migration is pending', async () => {
    const res = await request(store.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('GET /readyz is not ready while a migration is pending', async () => {
    await store.database.db.sql.query('UPDATE _prisma_migrations SET finished_at = NULL');
    try {
      const res = await request(store.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.checks).toEqual({ database: 'ok', migrations: 'failed' });
    } finally {
      await store.database.db.sql.query('UPDATE _prisma_migrations SET finished_at = started_at');
    }
  });

  it('GET /metrics exposes HTTP and delivery metrics', async () => {
    await store.push(userUpserted(1, user('metered')));
    await store.push(userUpserted(1, user('metered')));
    await store.services.tracker.advance();
    const res = await request(store.app).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('http_request_duration_seconds');
    expect(res.text).toMatch(/local_store_events_total\{source="push",outcome="applied",service="local-store"\} 1/);
    expect(res.text).toMatch(/local_store_events_total\{source="push",outcome="duplicate",service="local-store"\} 1/);
    expect(res.text).toMatch(/local_store_delivery_cursor\{service="local-store"\} 1/);
  });
});

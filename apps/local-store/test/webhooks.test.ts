import { DeadEventsPageSchema, WebhookAckSchema } from '@dtg/contracts';
import { createMetricsRegistry, ProblemSchema } from '@dtg/service-kit';
import { generateWebhookSecret } from '@dtg/webhook-signing';
import request from 'supertest';
import { createApp } from '../src/app';
import { createCloudClient } from '../src/cloud/cloud-client';
import { openDatabase } from '../src/db/database';
import { createServices } from '../src/services';
import { event, signed, TENANT_ID, user, userUpserted } from './support/events';
import { databaseUrl } from './support/test-database';
import { startTestStore, type TestStore } from './support/test-store';

let store: TestStore;

beforeAll(async () => {
  store = await startTestStore({ env: { LOCAL_ADMIN_TOKEN: 'admin-token-0123456789' } });
});
afterAll(() => store.close());

async function userRow(userid: string) {
  const [row] = await store.database.db.sql.query<{ name: string; active: boolean; profile_version: number | null }>(
    'SELECT name, active, profile_version FROM users WHERE tenant_id = $1 AND userid = $2',
    [TENANT_ID, userid],
  );
  return row;
}

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = ProblemSchema.parse(res.body);
  expect(problem.code).toBe(code);
  expect(problem.requestId).toBe(res.headers['x-request-id']);
  return problem;
}

describe('POST /webhooks/cloud', () => {
  it('when a signed event arrives, then it is applied and acknowledged', async () => {
    const res = await store.push(userUpserted(1, user('alice', { name: 'Alice' })));
    expect(res.status).toBe(200);
    expect(WebhookAckSchema.parse(res.body)).toEqual({ status: 'applied' });
    expect(await userRow('alice')).toEqual({ name: 'Alice', active: true, profile_version: 1 });
  });

  it.each([
    ['tampered body', (body: string, headers: Record<string, string>) => ({ body: body.replace('Mallory', 'Mallorz'), headers })],
    ['stale timestamp', (body: string) => ({ body, headers: signed(body, store.secrets, 'evt', Math.floor(Date.now() / 1000) - 600) })],
    ['unknown secret', (body: string) => ({ body, headers: signed(body, [generateWebhookSecret()]) })],
    ['missing headers', (body: string) => ({ body, headers: {} })],
    ['missing signature only', (body: string, headers: Record<string, string>) => ({ body, headers: { ...headers, 'webhook-signature': '' } })],
  ])('when the delivery has a %s, then 401 and nothing is written', async (_case, mutate) => {
    const before = await store.rowCounts();
    const original = JSON.stringify(userUpserted(50, user('mallory', { name: 'Mallory' })));
    const { body, headers } = mutate(original, { ...signed(original, store.secrets) });
    const res = await request(store.app).post('/webhooks/cloud').set('content-type', 'application/json').set(headers).send(body);
    const problem = expectProblem(res, 401, 'unauthorized');
    expect(problem.detail).toMatch(/Webhook rejected: (bad_signature|stale_timestamp|missing_headers)/);
    expect(await store.rowCounts()).toEqual(before);
  });

  it('when an unsigned body is not even JSON, then it is still a 401 (not a 400) and nothing is written', async () => {
    const before = await store.rowCounts();
    const res = await request(store.app).post('/webhooks/cloud').set('content-type', 'application/json').send('{"nope":');
    expectProblem(res, 401, 'unauthorized');
    expect(await store.rowCounts()).toEqual(before);
  });

  it('when the same delivery arrives 5 times, then it is applied once and the repeats change nothing', async () => {
    const delivery = userUpserted(2, user('dupe', { unionId: 'union-dupe', name: 'Dupe' }));
    const snapshot = () => store.database.db.sql.query('SELECT *, updated_at::text AS updated FROM users WHERE userid = $1', ['dupe']);
    expect((await store.push(delivery)).body.status).toBe('applied');
    const afterFirst = await snapshot();
    const statuses: string[] = [];
    for (let attempt = 0; attempt < 4; attempt++) statuses.push((await store.push(delivery)).body.status);
    expect(statuses).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(await snapshot()).toEqual(afterFirst);
    const rows = await store.database.db.sql.query('SELECT 1 FROM processed_events WHERE event_id = $1', [delivery.id]);
    expect(rows).toHaveLength(1);
  });

  it('when the same delivery arrives 5 times concurrently, then it is still applied exactly once', async () => {
    const delivery = event('message.accepted', 3, {
      messageId: 'msg_concurrent',
      msgtype: 'text',
      msg: { content: 'hello' },
      recipients: { userIds: ['alice'] },
      createdAt: new Date().toISOString(),
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => store.push(delivery)));
    expect(results.map((res) => res.body.status).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
  });

  it('when user.upserted events arrive out of order, then the newest state wins', async () => {
    const newest = userUpserted(12, user('bob', { name: 'Bob v12', title: 'Lead' }));
    const older = userUpserted(11, user('bob', { name: 'Bob v11', title: 'Junior' }));
    expect((await store.push(newest)).body.status).toBe('applied');
    expect((await store.push(older)).body.status).toBe('applied');
    expect(await userRow('bob')).toEqual({ name: 'Bob v12', active: true, profile_version: 12 });
  });

  it('when secrets are rotated, then deliveries signed with either configured secret are accepted', async () => {
    const [current] = store.secrets as [string];
    const next = generateWebhookSecret();
    const rotated = await startTestStore({ env: { WEBHOOK_SECRETS: `${next},${current}` } });
    try {
      expect((await rotated.push(userUpserted(1, user('u1')), [current])).status).toBe(200);
      expect((await rotated.push(userUpserted(2, user('u2')), [next])).status).toBe(200);
      expect((await rotated.push(userUpserted(3, user('u3')), [next, current])).status).toBe(200);
      expect((await rotated.push(userUpserted(4, user('u4')), [generateWebhookSecret()])).status).toBe(401);
      expect((await rotated.rowCounts()).users).toBe(3);
    } finally {
      await rotated.close();
    }
  });

  it('when a signed envelope does not parse, then it is parked (2xx), listed for admins and nothing else changes', async () => {
    const before = await store.rowCounts();
    const invalid = { id: 'evt_bad_1', type: 'user.upserted', tenantId: TENANT_ID, seq: 4, occurredAt: new Date().toISOString(), data: { users: [] } };
    const res = await store.push(invalid);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'parked' });
    const after = await store.rowCounts();
    expect(after).toEqual({ ...before, dead_events: before.dead_events + 1, processed_events: before.processed_events + 1 });

    const listed = await request(store.app).get('/api/admin/dead-events').set('authorization', 'Bearer admin-token-0123456789');
    expect(listed.status).toBe(200);
    const page = DeadEventsPageSchema.parse(listed.body);
    expect(page.items[0]).toMatchObject({ eventId: 'evt_bad_1', seq: 4, type: 'user.upserted', source: 'push', raw: JSON.stringify(invalid) });
    expect(page.items[0]?.reason).toMatch(/data\.users/);
    expect((await store.push(invalid)).body).toEqual({ status: 'duplicate' });
  });

  it('when a signed event is for another tenant, then it is parked and does not count toward the cursor', async () => {
    const foreign = userUpserted(5, user('intruder'));
    const res = await store.push({ ...foreign, tenantId: 'ten_other' });
    expect(res.body).toEqual({ status: 'parked' });
    expect(await userRow('intruder')).toBeUndefined();
    const settled = await store.database.db.sql.query('SELECT 1 FROM processed_events WHERE event_id = $1', [foreign.id]);
    expect(settled).toHaveLength(0);
  });

  it('when a correctly signed body is not JSON, then it is parked rather than retried forever', async () => {
    const res = await store.push('{"id": "evt_truncated", "seq": ');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'parked' });
    const [dead] = await store.database.db.sql.query<{ reason: string; raw: string }>("SELECT reason, raw FROM dead_events WHERE raw LIKE '%evt_truncated%'");
    expect(dead).toEqual({ reason: 'body is not valid JSON', raw: '{"id": "evt_truncated", "seq": ' });
  });

  it('when the dead-event list is asked for without credentials or with a wrong token, then 401', async () => {
    expectProblem(await request(store.app).get('/api/admin/dead-events'), 401, 'unauthorized');
    expectProblem(await request(store.app).get('/api/admin/dead-events').set('authorization', 'Bearer wrong-token-0123456789'), 401, 'unauthorized');
  });

  it('when the database is down, then the delivery gets a 5xx so the cloud retries', async () => {
    const deadDb = openDatabase(databaseUrl('local_store_does_not_exist'), { connectTimeoutMs: 1000 });
    const cloud = createCloudClient({ baseUrl: 'http://127.0.0.1:9', apiKey: store.config.cloudApiKey });
    const registry = createMetricsRegistry('local-store');
    const services = createServices({ config: store.config, db: deadDb, cloud, logger: store.logger, registry });
    const app = createApp({ config: store.config, db: deadDb, services, logger: store.logger, registry, version: 'test' });
    try {
      const body = JSON.stringify(userUpserted(6, user('carol')));
      const res = await request(app).post('/webhooks/cloud').set('content-type', 'application/json').set(signed(body, store.secrets)).send(body);
      expect(res.status).toBeGreaterThanOrEqual(500);
      ProblemSchema.parse(res.body);
      expect(await userRow('carol')).toBeUndefined();
    } finally {
      await services.stop();
      await deadDb.close();
    }
  });
});

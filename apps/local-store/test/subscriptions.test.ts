// Change subscriptions end to end on a real Postgres with a real HTTP endpoint: signed pushes,
// type filters, retries with Retry-After, dead letters, replay, pause/resume, secret rotation,
// and two dispatchers sharing the work without ever pushing the same event at once.
import {
  DeliveriesPageSchema,
  DeliveryDetailSchema,
  IssuedServiceTokenSchema,
  ReplayResultSchema,
  SubscriptionSchema,
  SubscriptionWithSecretSchema,
  type ChangeEvent,
} from '@dtg/contracts';
import { ProblemSchema } from '@dtg/service-kit';
import { retryPolicy, verifyWebhook } from '@dtg/webhook-signing';
import request from 'supertest';
import { SubscriptionDispatcher } from '../src/features/subscriptions/subscription-dispatcher';
import { createEndpointSender } from '../src/features/subscriptions/endpoint-sender';
import { event, user, userUpserted } from './support/events';
import { signedInCookie } from './support/session-helper';
import { startEndpoint, type Endpoint, type Push } from './support/subscription-endpoint';
import { startTestStore, type TestStore } from './support/test-store';
import { waitFor } from '@dtg/testkit';

const ADMIN_TOKEN = 'local-admin-token-for-tests-0123';
let store: TestStore;
let endpoint: Endpoint;
let seq = 0;
const next = () => ++seq;

beforeAll(async () => {
  store = await startTestStore({
    env: { LOCAL_ADMIN_TOKEN: ADMIN_TOKEN, SUBSCRIPTION_RETRY_SCHEDULE: '100ms,100ms', SUBSCRIPTION_POLL_INTERVAL: '100ms', SUBSCRIPTION_TIMEOUT: '15s' },
  });
  store.services.dispatcher.start();
  endpoint = await startEndpoint();
});
afterAll(async () => {
  await store.close();
  await endpoint.close();
});
beforeEach(() => {
  endpoint.respond = () => ({ status: 204 });
});

const api = (method: 'get' | 'post' | 'delete', path: string, auth = `Bearer ${ADMIN_TOKEN}`) => request(store.app)[method](path).set('authorization', auth);

async function subscribe(eventTypes: string[], url = endpoint.url) {
  const res = await api('post', '/api/subscriptions').send({ url, eventTypes, description: 'test' });
  expect(res.status).toBe(201);
  const created = SubscriptionWithSecretSchema.parse(res.body);
  endpoint.secrets.push(created.secret);
  return created;
}

const pushesOf = (type: string, userid: string) =>
  endpoint.pushes.filter((p) => p.event.type === type && (p.event as ChangeEvent<'user.created'>).data.user?.userid === userid);

describe('creating subscriptions', () => {
  it.each([
    [{ url: 'ftp://10.0.0.5/hook', eventTypes: ['user.*'] }, 'body.url'],
    [{ url: 'not a url', eventTypes: ['user.*'] }, 'body.url'],
    [{ url: 'https://ops:secret@10.0.0.5/hook', eventTypes: ['user.*'] }, 'body.url'],
    [{ url: 'https://10.0.0.5/hook', eventTypes: ['user.deleted'] }, 'body.eventTypes.0'],
    [{ url: 'https://10.0.0.5/hook', eventTypes: [] }, 'body.eventTypes'],
    [{ url: 'https://10.0.0.5/hook', eventTypes: ['user.*'], secret: 'whsec_mine' }, 'body'],
  ])('when the request is %j, then 400 names %s and nothing is stored', async (body, field) => {
    const res = await api('post', '/api/subscriptions').send(body);
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(res.body).errors?.map((e) => e.path)).toContain(field);
    expect(await store.database.db.sql.query('SELECT 1 FROM subscriptions WHERE url = $1', [body.url])).toEqual([]);
  });

  it('when a member, a token without subscriptions:manage or nobody tries, then 403 / 401', async () => {
    const member = await signedInCookie(store, next(), 'plain-member');
    expect((await request(store.app).get('/api/subscriptions').set('cookie', member)).status).toBe(403);
    const token = IssuedServiceTokenSchema.parse((await api('post', '/api/tokens').send({ name: 'reader', scopes: ['directory:read'] })).body).secret;
    const refused = await api('post', '/api/subscriptions', `Bearer ${token}`).send({ url: endpoint.url, eventTypes: ['user.*'] });
    expect([refused.status, ProblemSchema.parse(refused.body).detail]).toEqual([403, 'This credential lacks the subscriptions:manage scope.']);
    expect((await request(store.app).get('/api/subscriptions')).status).toBe(401);
  });
});

describe('pushing change events', () => {
  it('when a user changes, then a verified Standard Webhooks push with the user after the change reaches only subscriptions for its type', async () => {
    const users = await subscribe(['user.*']);
    const departments = await subscribe(['department.updated']);
    await store.push(userUpserted(next(), user('sub-a', { name: 'Sub A' })));
    await store.push(event('department.upserted', next(), { departments: [{ deptId: 40, name: 'Forty', parentId: 1 }] }));
    const [push] = await waitFor(() => (pushesOf('user.created', 'sub-a').length ? pushesOf('user.created', 'sub-a') : undefined), 'the user.created push');
    expect(push?.verified).toBe(true);
    expect(push?.headers['webhook-id']).toBe(push?.event.id);
    expect((push?.event as ChangeEvent<'user.created'>).data.user).toEqual({ userid: 'sub-a', name: 'Sub A', deptIds: [1], active: true });
    // Signed with exactly this subscription's secret.
    expect(push && verifyWith(push, departments.secret)).toBe(false);
    await waitFor(async () => {
      const page = DeliveriesPageSchema.parse((await api('get', `/api/subscriptions/${users.subscription.id}/deliveries`)).body);
      return page.items.some((d) => d.type === 'user.created' && d.status === 'delivered');
    }, 'the delivery recorded');
    const toDepartments = DeliveriesPageSchema.parse((await api('get', `/api/subscriptions/${departments.subscription.id}/deliveries`)).body);
    expect(toDepartments.items).toEqual([]);
    await api('delete', `/api/subscriptions/${users.subscription.id}`).expect(204);
    await api('delete', `/api/subscriptions/${departments.subscription.id}`).expect(204);
    expect((await api('get', `/api/subscriptions/${users.subscription.id}`)).status).toBe(404);
  });

  it('when the endpoint answers 503 with Retry-After, then it is retried and every attempt is logged; after the schedule it is dead, and replay delivers it', async () => {
    const sub = await subscribe(['user.updated']);
    const id = sub.subscription.id;
    const before = endpoint.pushes.length;
    endpoint.respond = (push) =>
      endpoint.pushes.filter((p) => p.id === push.id).length === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 };
    await store.push(userUpserted(next(), user('sub-a', { name: 'Sub A renamed' })));
    const delivered = await waitFor(
      async () => {
        const page = DeliveriesPageSchema.parse((await api('get', `/api/subscriptions/${id}/deliveries`)).body);
        return page.items.find((d) => d.status === 'delivered');
      },
      'delivered after a retry',
      10_000,
    );
    expect(endpoint.pushes.length - before).toBe(2);
    const detail = DeliveryDetailSchema.parse((await api('get', `/api/subscriptions/${id}/deliveries/${delivered.id}`)).body);
    expect(detail.attemptLog.map((a) => a.httpStatus)).toEqual([503, 200]);
    expect(Date.parse(detail.attemptLog[1]?.at ?? '') - Date.parse(detail.attemptLog[0]?.at ?? '')).toBeGreaterThanOrEqual(900);

    endpoint.respond = () => ({ status: 500 });
    await store.push(userUpserted(next(), user('sub-a', { name: 'Sub A again' })));
    const dead = await waitFor(
      async () => DeliveriesPageSchema.parse((await api('get', `/api/subscriptions/${id}/deliveries?status=dead`)).body).items[0],
      'a dead letter',
    );
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastError: 'HTTP 500' });

    endpoint.respond = () => ({ status: 204 });
    const replayed = ReplayResultSchema.parse((await api('post', `/api/subscriptions/${id}/replay`).send({ fromSeq: dead.seq })).body);
    expect(replayed).toEqual({ requeued: 1, fromSeq: dead.seq });
    await waitFor(
      async () => DeliveryDetailSchema.parse((await api('get', `/api/subscriptions/${id}/deliveries/${dead.id}`)).body).status === 'delivered',
      'the replayed dead letter delivered',
    );
    expect((await api('post', `/api/subscriptions/${id}/replay`).send({ fromSeq: 0 })).status).toBe(400);
    await api('delete', `/api/subscriptions/${id}`).expect(204);
  });

  it('when a subscription is replayed from before it existed, then it receives those events too, with their original ids', async () => {
    await store.push(userUpserted(next(), user('history-1')));
    const [{ seq: historySeq }] = (await store.database.db.sql.query<{ seq: string }>(
      "SELECT seq::text AS seq FROM changes WHERE data->'user'->>'userid' = 'history-1'",
    )) as [{ seq: string }];
    const sub = await subscribe(['user.created']);
    await api('post', `/api/subscriptions/${sub.subscription.id}/replay`)
      .send({ fromSeq: Number(historySeq) })
      .expect(200);
    const [push] = await waitFor(
      () => (pushesOf('user.created', 'history-1').length ? pushesOf('user.created', 'history-1') : undefined),
      'the old event pushed',
    );
    expect(push?.event.seq).toBe(Number(historySeq));
    await api('delete', `/api/subscriptions/${sub.subscription.id}`).expect(204);
  });

  it('when a subscription is paused, then its events wait (while others flow) and go out on resume', async () => {
    const paused = await subscribe(['user.created']);
    const control = await subscribe(['user.created']);
    const pausedView = SubscriptionSchema.parse((await api('post', `/api/subscriptions/${paused.subscription.id}/pause`)).body);
    expect(pausedView.status).toBe('paused');
    await store.push(userUpserted(next(), user('while-paused')));
    // The control subscription is served by the same scan: once it has the event, the paused one was passed over.
    await waitFor(() => endpoint.pushes.some((p) => p.event.type === 'user.created' && verifyWith(p, control.secret)), 'the control push');
    expect(endpoint.pushes.filter((p) => pushesOf('user.created', 'while-paused').includes(p) && verifyWith(p, paused.secret))).toEqual([]);
    const waiting = DeliveriesPageSchema.parse((await api('get', `/api/subscriptions/${paused.subscription.id}/deliveries`)).body);
    expect(waiting.items.map((d) => [d.status, d.attempts])).toEqual([['pending', 0]]);
    await api('post', `/api/subscriptions/${paused.subscription.id}/resume`).expect(200);
    await waitFor(() => endpoint.pushes.some((p) => verifyWith(p, paused.secret)), 'the queued push after resume');
    for (const sub of [paused, control]) await api('delete', `/api/subscriptions/${sub.subscription.id}`).expect(204);
  });

  it('when the secret is rotated, then pushes carry signatures that both the new and the previous secret verify', async () => {
    const sub = await subscribe(['user.updated']);
    const rotated = SubscriptionWithSecretSchema.parse((await api('post', `/api/subscriptions/${sub.subscription.id}/rotate-secret`)).body);
    expect(rotated.secret).not.toBe(sub.secret);
    expect(Date.parse(rotated.subscription.previousSecretExpiresAt ?? '') - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await store.push(userUpserted(next(), user('sub-a', { name: 'Sub A rotated' })));
    const push = await waitFor(
      () => endpoint.pushes.find((p) => (p.event as ChangeEvent<'user.updated'>).data.user?.name === 'Sub A rotated'),
      'the push after rotation',
    );
    expect(String(push.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWith(push, rotated.secret) && verifyWith(push, sub.secret)).toBe(true);
    await api('delete', `/api/subscriptions/${sub.subscription.id}`).expect(204);
  });
});

describe('two store processes on one database', () => {
  it('when two dispatchers share the deliveries, then each of 300 events is pushed exactly once, never twice at the same time', async () => {
    const sub = await subscribe(['user.created']);
    let pushedBySecond = 0;
    const sendToEndpoint = createEndpointSender(32);
    const second = new SubscriptionDispatcher({
      sql: store.database.db.sql,
      tenantId: store.config.tenantId,
      logger: store.logger,
      send: (...args) => {
        pushedBySecond += 1;
        return sendToEndpoint(...args);
      },
      policy: retryPolicy([100]),
      // Long enough that no push times out on a loaded machine: a timed-out push is retried while
      // the endpoint may still be answering the first, which is a repeat this test does not allow.
      timeoutMs: 15_000,
      concurrency: 16,
      pollIntervalMs: 50,
    });
    second.start();
    try {
      endpoint.respond = () => ({ status: 204, delayMs: 5 });
      const before = endpoint.pushes.length;
      for (let batch = 0; batch < 3; batch++) {
        await store.push(userUpserted(next(), ...Array.from({ length: 100 }, (_, i) => user(`pair-${batch}-${i}`))));
      }
      await waitFor(
        async () => {
          const page = DeliveriesPageSchema.parse((await api('get', `/api/subscriptions/${sub.subscription.id}/deliveries?status=delivered&limit=200`)).body);
          return page.items.length === 200 && page.nextCursor !== null;
        },
        'deliveries recorded',
        20_000,
      );
      await waitFor(
        async () => {
          const [row] = await store.database.db.sql.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM subscription_deliveries WHERE subscription_id = $1 AND status = 'delivered'",
            [sub.subscription.id],
          );
          return row?.n === 300;
        },
        'all 300 delivered',
        20_000,
      );
      const ids = endpoint.pushes.slice(before).map((p) => p.id);
      // A push is repeated only after an attempt that failed: a claim lost to the other process, or a lease
      // that ran out under a queued delivery, would repeat a push with no failed attempt behind it.
      const [failed] = await store.database.db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM subscription_delivery_attempts a JOIN subscription_deliveries d ON d.id = a.delivery_id
         WHERE d.subscription_id = $1 AND (a.http_status IS NULL OR a.http_status NOT BETWEEN 200 AND 299)`,
        [sub.subscription.id],
      );
      expect(ids).toHaveLength(300 + (failed?.n ?? 0));
      expect(new Set(ids).size).toBe(300);
      expect(endpoint.maxConcurrentPerId).toBe(1);
      // Both took part: the claims really were shared.
      expect(pushedBySecond).toBeGreaterThan(0);
      expect(pushedBySecond).toBeLessThan(300);
      const owners = await store.database.db.sql.query<{ n: number }>(
        'SELECT count(DISTINCT a.delivery_id)::int AS n FROM subscription_delivery_attempts a JOIN subscription_deliveries d ON d.id = a.delivery_id WHERE d.subscription_id = $1',
        [sub.subscription.id],
      );
      expect(owners[0]?.n).toBe(300);
    } finally {
      await second.stop();
      await api('delete', `/api/subscriptions/${sub.subscription.id}`);
    }
  });
});

function verifyWith(push: Push, secret: string): boolean {
  try {
    verifyWebhook(push.raw, push.headers, [secret]);
    return true;
  } catch {
    return false;
  }
}

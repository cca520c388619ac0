// Sending through the store (POST /api/messages): recorded first, relayed to the cloud (a faithful
// double here; the system tests use the real one) with the request's id as Idempotency-Key, kept
// while the cloud is away, one id space for readers, and members see only their own messages.
import { AcceptedMessageSchema, ChangeEventSchema, IssuedServiceTokenSchema, MessageDetailSchema, MessagesPageSchema, type ChangeEvent } from '@dtg/contracts';
import { ProblemSchema } from '@dtg/service-kit';
import request from 'supertest';
import { event } from './support/events';
import { startFakeCloud, type FakeCloud } from './support/fake-cloud';
import { signedInCookie } from './support/session-helper';
import { startTestStore, type TestStore } from './support/test-store';
import { waitFor } from '@dtg/testkit';

const ADMIN_TOKEN = 'local-admin-token-for-tests-0123';
let cloud: FakeCloud;
let store: TestStore;
let sender: string;
let seq = 0;
const next = () => ++seq;

beforeAll(async () => {
  cloud = await startFakeCloud();
  store = await startTestStore({ cloudUrl: cloud.url, env: { LOCAL_ADMIN_TOKEN: ADMIN_TOKEN } });
  store.services.relay.start();
  sender = IssuedServiceTokenSchema.parse(
    (
      await request(store.app)
        .post('/api/tokens')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: 'notifier', scopes: ['messages:send', 'messages:read'] })
    ).body,
  ).secret;
});
afterAll(async () => {
  await store.close();
  await cloud.close();
});
beforeEach(() => {
  cloud.down = false;
  cloud.refuseSends = undefined;
});

const text = (content: string) => ({ msgtype: 'text', text: { content } });
const send = (body: unknown, auth: Record<string, string> = { authorization: `Bearer ${sender}` }, key?: string) => {
  const req = request(store.app).post('/api/messages').set(auth);
  if (key) req.set('idempotency-key', key);
  return req.send(body as object);
};
const read = (id: string, auth: Record<string, string> = { authorization: `Bearer ${sender}` }) => request(store.app).get(`/api/messages/${id}`).set(auth);

async function changesFor(id: string): Promise<ChangeEvent[]> {
  const rows = await store.database.db.sql.query<{ event_id: string; type: string; seq: string; occurred_at: Date; data: unknown }>(
    "SELECT event_id, type, seq::text AS seq, occurred_at, data FROM changes c WHERE c.data->'message'->>'id' = $1 ORDER BY c.seq",
    [id],
  );
  return rows.map(
    (r) => ChangeEventSchema.parse({ id: r.event_id, type: r.type, seq: Number(r.seq), occurredAt: r.occurred_at.toISOString(), data: r.data }) as ChangeEvent,
  );
}

describe('POST /api/messages', () => {
  it('when a service sends, then it is queued, relayed once with its own id as Idempotency-Key, and readable by the store id before and after the cloud’s events', async () => {
    const res = await send({ recipients: { userIds: ['u1', 'u2'] }, msg: text('Build 4711 is green') });
    expect(res.status).toBe(202);
    const { id, status } = AcceptedMessageSchema.parse(res.body);
    expect([id.startsWith('lmsg_'), status, res.headers.location]).toEqual([true, 'queued', `/api/messages/${id}`]);

    const relayed = await waitFor(async () => {
      const detail = MessageDetailSchema.parse((await read(id)).body);
      return detail.cloudMessageId ? detail : undefined;
    }, 'the relay');
    expect(cloud.sends.filter((s) => s.key === id)).toEqual([{ key: id, body: { recipients: { userIds: ['u1', 'u2'] }, msg: text('Build 4711 is green') } }]);
    const tokenId = (await store.database.db.sql.query<{ id: string }>("SELECT id FROM service_tokens WHERE name = 'notifier'"))[0]?.id;
    expect(relayed).toMatchObject({ id, status: 'queued', createdBy: tokenId, msg: text('Build 4711 is green'), recipients: [], relayError: null });

    // The cloud's events name its own id and its own view of the author (the store's API key).
    const cloudId = relayed.cloudMessageId as string;
    await store.push(
      event('message.accepted', next(), {
        messageId: cloudId,
        msgtype: 'text',
        msg: text('Build 4711 is green'),
        recipients: { userIds: ['u1', 'u2'] },
        createdAt: new Date().toISOString(),
        createdBy: 'key_store',
      }),
    );
    await store.push(
      event('message.dispatched', next(), {
        messageId: cloudId,
        taskIds: [9],
        recipients: [
          { userid: 'u1', status: 'sent' },
          { userid: 'u2', status: 'sent' },
        ],
      }),
    );
    const sent = MessageDetailSchema.parse((await read(id)).body);
    expect(sent).toMatchObject({
      id,
      cloudMessageId: cloudId,
      status: 'sent',
      createdBy: tokenId,
      createdAt: relayed.createdAt,
      counts: expect.objectContaining({ sent: 2 }),
    });
    expect(MessageDetailSchema.parse((await read(cloudId)).body).id).toBe(id);
    const listed = MessagesPageSchema.parse((await request(store.app).get('/api/messages').set('authorization', `Bearer ${sender}`)).body);
    expect(listed.items.filter((m) => m.id === id || m.id === cloudId).map((m) => m.id)).toEqual([id]);

    const events = await changesFor(id);
    expect(
      events.map(
        (e) =>
          `${e.type} ${(e.data as { message: { cloudMessageId: string | null; status: string } }).message.cloudMessageId} ${(e.data as { message: { status: string } }).message.status}`,
      ),
    ).toEqual([
      'message.created null queued',
      `message.updated ${cloudId} queued`,
      `message.updated ${cloudId} sent`,
      `message.recipients.updated ${cloudId} undefined`,
    ]);
  });

  it('when the cloud is unreachable, then the send stays queued with the reason and is relayed, once, when the cloud answers again', async () => {
    cloud.down = true;
    const { id } = AcceptedMessageSchema.parse((await send({ recipients: { toAll: true }, msg: text('Maintenance at 22:00') })).body);
    const waiting = await waitFor(async () => {
      const detail = MessageDetailSchema.parse((await read(id)).body);
      return detail.relayError ? detail : undefined;
    }, 'a failed relay attempt');
    expect(waiting).toMatchObject({ status: 'queued', cloudMessageId: null, relayError: 'cloud answered 503' });
    cloud.down = false;
    const relayed = await waitFor(async () => MessageDetailSchema.parse((await read(id)).body).cloudMessageId, 'the relay after the outage', 15_000);
    expect(cloud.sends.filter((s) => s.key === id)).toHaveLength(1);
    expect(relayed).toMatch(/^msg_fake_/);
  });

  it('when the same Idempotency-Key comes again, then the same message (relayed once); another body is a 409; another caller’s key is theirs', async () => {
    const body = { recipients: { userIds: ['u3'] }, msg: text('once only') };
    const replies = await Promise.all(Array.from({ length: 4 }, () => send(body, undefined, 'order-17')));
    expect(new Set(replies.map((r) => [r.status, AcceptedMessageSchema.parse(r.body).id].join(' '))).size).toBe(1);
    const { id } = AcceptedMessageSchema.parse(replies[0]?.body);
    const conflict = await send({ ...body, msg: text('twice?') }, undefined, 'order-17');
    expect([conflict.status, ProblemSchema.parse(conflict.body).code]).toEqual([409, 'idempotency_conflict']);
    const other = AcceptedMessageSchema.parse((await send(body, { authorization: `Bearer ${ADMIN_TOKEN}` }, 'order-17')).body);
    expect(other.id).not.toBe(id);
    await waitFor(async () => MessageDetailSchema.parse((await read(id)).body).cloudMessageId, 'the relay');
    expect(cloud.sends.filter((s) => s.key === id)).toHaveLength(1);
  });

  it.each([
    ['an unknown msgtype', { recipients: { userIds: ['u1'] }, msg: { msgtype: 'video', video: { media_id: 'x' } } }, 'body.msg.msgtype'],
    ['no recipients', { recipients: {}, msg: { msgtype: 'text', text: { content: 'x' } } }, 'body.recipients'],
    ['a msg over 2,048 bytes', { recipients: { userIds: ['u1'] }, msg: { msgtype: 'text', text: { content: 'x'.repeat(2100) } } }, 'body.msg'],
    ['an unknown field', { recipients: { userIds: ['u1'] }, msg: { msgtype: 'text', text: { content: 'x' } }, extra: 1 }, 'body'],
  ])('when the body has %s, then 400 and nothing is stored', async (_what, body, field) => {
    const count = async () =>
      (await store.database.db.sql.query<{ n: number }>('SELECT (SELECT count(*) FROM message_requests) + (SELECT count(*) FROM changes) AS n'))[0]?.n;
    // Earlier sends are relayed first, so the relay writes nothing while this one is refused.
    await waitFor(async () => (await store.database.db.sql.query("SELECT 1 FROM message_requests WHERE state = 'queued'")).length === 0, 'an idle relay');
    const before = await count();
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(res.body).errors?.map((e) => e.path)).toContain(field);
    expect(await count()).toBe(before);
  });

  it('when a service sends by template (an ISV app), then the template form is what the cloud gets, and the store shows it as a template message', async () => {
    const template = { id: 'leave-approved', data: { title: 'Leave', content: 'Approved' } };
    const res = await send({ recipients: { userIds: ['u7'] }, template });
    expect(res.status).toBe(202);
    const { id } = AcceptedMessageSchema.parse(res.body);
    const relayed = await waitFor(async () => {
      const detail = MessageDetailSchema.parse((await read(id)).body);
      return detail.cloudMessageId ? detail : undefined;
    }, 'the relay');
    expect(cloud.sends.filter((s) => s.key === id)).toEqual([{ key: id, body: { recipients: { userIds: ['u7'] }, template } }]);
    expect(relayed).toMatchObject({ msgtype: 'template', msg: { msgtype: 'template', template } });
    const both = await send({ recipients: { userIds: ['u7'] }, msg: text('x'), template });
    expect(both.status).toBe(400);
  });

  it('when the cloud refuses the message for good, then it is failed with the cloud’s reason and not tried again', async () => {
    cloud.refuseSends = 400;
    const { id } = AcceptedMessageSchema.parse((await send({ recipients: { userIds: ['u9'] }, msg: text('refused') })).body);
    const failed = await waitFor(async () => {
      const detail = MessageDetailSchema.parse((await read(id)).body);
      return detail.status === 'failed' ? detail : undefined;
    }, 'the refusal recorded');
    expect(failed.relayError).toBe('cloud answered 400: refused by the fake cloud');
    expect(cloud.sends.filter((s) => s.key === id)).toHaveLength(1);
    expect((await changesFor(id)).map((e) => e.type)).toEqual(['message.created', 'message.updated']);
  });

  it('when a token lacks messages:send, then 403', async () => {
    const reader = IssuedServiceTokenSchema.parse(
      (
        await request(store.app)
          .post('/api/tokens')
          .set('authorization', `Bearer ${ADMIN_TOKEN}`)
          .send({ name: 'reader', scopes: ['messages:read'] })
      ).body,
    ).secret;
    expect((await send({ recipients: { userIds: ['u1'] }, msg: text('no') }, { authorization: `Bearer ${reader}` })).status).toBe(403);
  });
});

describe('who reads which messages', () => {
  it('when members send, then each lists and opens only their own; an admin sees every one', async () => {
    const alice = await signedInCookie(store, next(), 'alice-member');
    const bob = await signedInCookie(store, next(), 'bob-member');
    const admin = await signedInCookie(store, next(), 'the-admin', { admin: true });
    const byAlice = AcceptedMessageSchema.parse((await send({ recipients: { userIds: ['u1'] }, msg: text('from alice') }, { cookie: alice })).body).id;
    // A message Alice sent straight to the cloud (its event names her).
    await store.push(
      event('message.accepted', next(), {
        messageId: 'msg_direct',
        msgtype: 'text',
        msg: text('direct'),
        recipients: { toAll: true },
        createdAt: new Date().toISOString(),
        createdBy: 'alice-member',
      }),
    );
    const list = async (cookie: string) =>
      MessagesPageSchema.parse((await request(store.app).get('/api/messages?limit=200').set('cookie', cookie)).body).items.map((m) => m.id);
    expect(await list(alice)).toEqual(expect.arrayContaining([byAlice, 'msg_direct']));
    expect((await list(alice)).every((id) => [byAlice, 'msg_direct'].includes(id))).toBe(true);
    expect(await list(bob)).toEqual([]);
    expect((await read(byAlice, { cookie: bob })).status).toBe(404);
    expect((await read(byAlice, { cookie: alice })).status).toBe(200);
    expect(await list(admin)).toEqual(expect.arrayContaining([byAlice, 'msg_direct']));
  });
});

describe('directory sync through the store', () => {
  it('when an admin starts a sync, then the cloud’s answers are passed on; members get 403; an unreachable cloud is a 502', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const started = await request(store.app).post('/api/directory/sync').set(admin).send({});
    expect([started.status, started.body]).toEqual([202, { id: 'sync_fake_1', status: 'running' }]);
    expect((await request(store.app).get('/api/directory/sync/sync_fake_1').set(admin)).body).toMatchObject({ status: 'completed', usersSeen: 9 });
    expect((await request(store.app).get('/api/directory/sync/sync_other').set(admin)).status).toBe(404);
    const member = await signedInCookie(store, next(), 'member-syncer');
    expect((await request(store.app).post('/api/directory/sync').set('cookie', member).send({})).status).toBe(403);
    expect((await request(store.app).post('/api/directory/sync').set('authorization', `Bearer ${sender}`).send({})).status).toBe(403);
    cloud.down = true;
    const down = await request(store.app).post('/api/directory/sync').set(admin).send({});
    expect([down.status, ProblemSchema.parse(down.body).code]).toEqual([502, 'upstream_error']);
  });
});

// The change outbox on a real Postgres: applying cloud events writes exactly the changes that took
// effect, in the same transaction, numbered gap-free; GET /api/changes serves them.
import { ChangeEventSchema, ChangesPageSchema, IssuedServiceTokenSchema, type ChangeEvent } from '@dtg/contracts';
import request from 'supertest';
import { event, user, userUpserted } from './support/events';
import { signedInCookie } from './support/session-helper';
import { startTestStore, type TestStore } from './support/test-store';

const ADMIN_TOKEN = 'local-admin-token-for-tests-0123';
let store: TestStore;

beforeAll(async () => {
  store = await startTestStore({ env: { LOCAL_ADMIN_TOKEN: ADMIN_TOKEN } });
});
afterAll(() => store.close());

/** Every change committed so far, parsed with the published schema. */
async function changes(): Promise<ChangeEvent[]> {
  const rows = await store.database.db.sql.query<{ event_id: string; type: string; seq: string; occurred_at: Date; data: unknown }>(
    'SELECT c.event_id, c.type, c.seq::text AS seq, c.occurred_at, c.data FROM changes c ORDER BY c.seq',
  );
  return rows.map(
    (row) =>
      ChangeEventSchema.parse({
        id: row.event_id,
        type: row.type,
        seq: Number(row.seq),
        occurredAt: row.occurred_at.toISOString(),
        data: row.data,
      }) as ChangeEvent,
  );
}

/** What happened since a point, as `type subject` lines. */
async function since(count: number): Promise<string[]> {
  return (await changes()).slice(count).map((change) => {
    const data = change.data as Record<string, unknown> & { user?: { userid: string }; department?: { deptId: number }; message?: { id: string } };
    return `${change.type} ${data.user?.userid ?? data.department?.deptId ?? data.message?.id}`;
  });
}

const mark = async () => (await changes()).length;

describe('directory changes', () => {
  it('when users arrive, change, repeat, leave and come back, then exactly the effective changes are written', async () => {
    const at = await mark();
    await store.push(userUpserted(1, user('ann', { name: 'Ann', deptIds: [1] }), user('ben', { name: 'Ben' })));
    await store.push(userUpserted(1, user('ann', { name: 'Ann', deptIds: [1] }))); // redelivery
    await store.push(userUpserted(2, user('ann', { name: 'Ann', deptIds: [1] }))); // newer, same profile
    await store.push(userUpserted(3, user('ann', { name: 'Ann Lee', deptIds: [1, 2] })));
    await store.push(userUpserted(2, user('ben', { name: 'Ben (old)' }))); // newer than ben's seq 1: an update
    await store.push(event('user.removed', 4, { userids: ['ben', 'ghost'] }));
    await store.push(userUpserted(3, user('ben', { name: 'Ben late' }))); // older than the removal: profile only
    await store.push(userUpserted(5, user('ben', { name: 'Ben back', active: true })));
    expect(await since(at)).toEqual([
      'user.created ann',
      'user.created ben',
      'user.updated ann',
      'user.updated ben',
      'user.removed ben',
      'user.updated ben',
      'user.updated ben',
    ]);
    const all = await changes();
    const last = all.at(-1) as ChangeEvent<'user.updated'>;
    expect(last.data.user).toEqual({ userid: 'ben', name: 'Ben back', deptIds: [1], active: true });
    const removed = all.find((change) => change.type === 'user.removed') as ChangeEvent<'user.removed'>;
    expect(removed.data.user).toMatchObject({ userid: 'ben', name: 'Ben (old)', active: false });
  });

  it('when a unionId moves to another user, then both users are reported with what they hold afterwards', async () => {
    await store.push(userUpserted(10, user('old-holder', { unionId: 'union-x' })));
    const at = await mark();
    await store.push(userUpserted(11, user('new-holder', { unionId: 'union-x' })));
    const moved = (await changes()).slice(at) as ChangeEvent<'user.updated' | 'user.created'>[];
    expect(moved.map((change) => `${change.type} ${change.data.user.userid} ${change.data.user.unionId ?? '-'}`)).toEqual([
      'user.created new-holder -',
      'user.updated old-holder -',
      'user.updated new-holder union-x',
    ]);
  });

  it('when departments are created, renamed, removed and recreated, then each is one event carrying the department', async () => {
    const at = await mark();
    await store.push(event('department.upserted', 20, { departments: [{ deptId: 7, name: 'Ops', parentId: 1 }] }));
    await store.push(event('department.upserted', 21, { departments: [{ deptId: 7, name: 'Ops', parentId: 1 }] }));
    await store.push(event('department.upserted', 22, { departments: [{ deptId: 7, name: 'Operations', parentId: 1 }] }));
    await store.push(event('department.removed', 23, { deptIds: [7, 8] }));
    await store.push(event('department.upserted', 24, { departments: [{ deptId: 7, name: 'Operations', parentId: 1 }] }));
    expect(await since(at)).toEqual(['department.created 7', 'department.updated 7', 'department.removed 7', 'department.created 7']);
    const renamed = (await changes()).slice(at)[1] as ChangeEvent<'department.updated'>;
    expect(renamed.data.department).toEqual({ deptId: 7, name: 'Operations', parentId: 1 });
  });
});

describe('message changes', () => {
  it('when status and receipts arrive before and after the message itself, then it is created once with its current status, and only changed recipients are reported', async () => {
    const at = await mark();
    await store.push(
      event('message.dispatched', 31, {
        messageId: 'm1',
        taskIds: [1],
        recipients: [
          { userid: 'ann', status: 'sent' },
          { userid: 'ben', status: 'sent' },
        ],
      }),
    );
    await store.push(
      event('message.accepted', 30, {
        messageId: 'm1',
        msgtype: 'text',
        msg: { content: 'hi' },
        recipients: { userIds: ['ann', 'ben'] },
        createdAt: '2026-12-06T10:00:00.000Z',
        createdBy: 'ann',
      }),
    );
    await store.push(
      event('message.receipts.updated', 32, {
        messageId: 'm1',
        recipients: [
          { userid: 'ann', status: 'read' },
          { userid: 'ben', status: 'sent' },
        ],
      }),
    );
    await store.push(event('message.receipts.updated', 31, { messageId: 'm1', recipients: [{ userid: 'ann', status: 'sent' }] })); // late
    await store.push(
      event('message.completed', 33, {
        messageId: 'm1',
        status: 'completed',
        recipients: [
          { userid: 'ann', status: 'read' },
          { userid: 'ben', status: 'forbidden', reason: '143105' },
        ],
      }),
    );
    const got = (await changes()).slice(at);
    expect(got.map((change) => change.type)).toEqual([
      'message.recipients.updated',
      'message.created',
      'message.recipients.updated',
      'message.updated',
      'message.recipients.updated',
    ]);
    const created = got[1] as ChangeEvent<'message.created'>;
    expect(created.data.message).toEqual({
      id: 'm1',
      cloudMessageId: 'm1',
      msgtype: 'text',
      status: 'sent',
      createdAt: '2026-12-06T10:00:00.000Z',
      createdBy: 'ann',
    });
    expect((got[2] as ChangeEvent<'message.recipients.updated'>).data.recipients).toEqual([{ userid: 'ann', status: 'read' }]);
    expect((got[3] as ChangeEvent<'message.updated'>).data.message.status).toBe('completed');
    expect((got[4] as ChangeEvent<'message.recipients.updated'>).data.recipients).toEqual([{ userid: 'ben', status: 'forbidden', reason: '143105' }]);
  });
});

describe('the sequence', () => {
  it('when many batches commit at once and one batch is rolled back, then seqs are 1..n with no gap, each data.version its seq', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.push(userUpserted(100 + i, user(`par${i}`)))));
    // A page Postgres refuses as a whole (year 0) is rolled back and re-applied event by event.
    const yearZero = event('message.accepted', 150, {
      messageId: 'm-bad',
      msgtype: 'text',
      msg: {},
      recipients: { toAll: true },
      createdAt: '0000-01-01T00:00:00Z',
    });
    expect(await store.services.ingest.ingestPulled([userUpserted(149, user('in-bad-page')), yearZero])).toEqual({ applied: 1, duplicates: 0, parked: 1 });
    const all = await changes();
    expect(all.map((change) => change.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.every((change) => (change.data as { version: number }).version === change.seq)).toBe(true);
    expect(new Set(all.map((change) => change.id)).size).toBe(all.length);
    const [counter] = await store.database.db.sql.query<{ last_seq: string }>('SELECT last_seq::text FROM change_sequence');
    expect(Number(counter?.last_seq)).toBe(all.length);
    expect(all.filter((change) => change.type === 'user.created' && (change as ChangeEvent<'user.created'>).data.user.userid === 'in-bad-page')).toHaveLength(
      1,
    );
  });

  it('when a person signs in before any event brought them, then user.created is written with the session', async () => {
    const at = await mark();
    await signedInCookie(store, 200, 'newcomer');
    expect(await since(at)).toEqual(['user.created newcomer']);
  });
});

describe('GET /api/changes', () => {
  const issue = async (scopes: string[]) =>
    IssuedServiceTokenSchema.parse(
      (await request(store.app).post('/api/tokens').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'feed', scopes })).body,
    ).secret;
  const feed = (token: string, query: string) => request(store.app).get(`/api/changes?${query}`).set('authorization', `Bearer ${token}`);

  it('when a service pages through with `next`, then it gets every event once, in seq order', async () => {
    const all = await changes();
    const token = await issue(['directory:read', 'messages:read']);
    const seen: ChangeEvent[] = [];
    let after = 0;
    for (;;) {
      const page = ChangesPageSchema.parse((await feed(token, `after=${after}&limit=7`)).body);
      seen.push(...(page.events as ChangeEvent[]));
      if (page.next === after) break;
      after = page.next;
    }
    expect(seen).toEqual(all);
  });

  it('when a token reads only the directory, then message events are left out and `next` still moves past them', async () => {
    const all = await changes();
    const token = await issue(['directory:read']);
    const page = ChangesPageSchema.parse((await feed(token, 'after=0&limit=1000')).body);
    expect(page.events.map((change) => change.seq)).toEqual(all.filter((change) => !change.type.startsWith('message.')).map((change) => change.seq));
    expect(page.next).toBe(all.length);
    const nothingNew = ChangesPageSchema.parse((await feed(token, `after=${page.next}`)).body);
    expect(nothingNew).toEqual({ events: [], next: all.length });
  });

  it('when a token has neither scope, then 403; a bad cursor is 400 naming it', async () => {
    expect((await feed(await issue(['messages:send']), 'after=0')).status).toBe(403);
    const bad = await feed(ADMIN_TOKEN, 'after=-1');
    expect([bad.status, bad.body.errors?.[0]?.path]).toEqual([400, 'query.after']);
  });
});

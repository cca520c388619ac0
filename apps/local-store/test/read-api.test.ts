import { DepartmentTreeSchema, MessageDetailSchema, MessagesPageSchema, UserProfileSchema, UsersPageSchema, type DepartmentNode } from '@dtg/contracts';
import { ProblemSchema } from '@dtg/service-kit';
import request from 'supertest';
import { event, user, userUpserted } from './support/events';
import { signedInCookie } from './support/session-helper';
import { startTestStore, type TestStore } from './support/test-store';

let store: TestStore;
let cookie: string;

const get = (path: string) => request(store.app).get(path).set('cookie', cookie);

beforeAll(async () => {
  store = await startTestStore();
  // An org admin: members read only the messages they sent (send-through-store.test).
  cookie = await signedInCookie(store, 1, 'aaa-viewer', { admin: true });
  const people = [
    user('u001', { name: 'Zhang San', unionId: 'union-1', title: 'Engineer', deptIds: [2] }),
    user('u002', { name: 'Li Si', deptIds: [2, 3] }),
    user('u003', { name: 'Wang Wu', deptIds: [3] }),
    user('u004', { name: 'Zhao Liu', deptIds: [1] }),
    user('u005', { name: 'SUN Qi', deptIds: [1] }),
  ];
  await store.push(userUpserted(2, ...people));
  await store.push(event('user.removed', 3, { userids: ['u004'] }));
  await store.push(
    event('department.upserted', 4, {
      departments: [
        { deptId: 1, name: 'Company', parentId: null },
        { deptId: 2, name: 'Engineering', parentId: 1 },
        { deptId: 3, name: 'Sales', parentId: 1 },
        { deptId: 4, name: 'Backend', parentId: 2 },
        { deptId: 5, name: 'Old team', parentId: 2 },
        { deptId: 6, name: 'Orphan', parentId: 99 },
      ],
    }),
  );
  await store.push(event('department.removed', 5, { deptIds: [5] }));
  for (let index = 0; index < 3; index++) {
    await store.push(
      event('message.accepted', 6 + index, {
        messageId: `msg_${index}`,
        msgtype: 'text',
        msg: { content: `hello ${index}` },
        recipients: { userIds: ['u001', 'u002', 'u003'] },
        createdAt: new Date(Date.UTC(2026, 0, 1, 10, index)).toISOString(),
      }),
    );
  }
  await store.push(
    event('message.completed', 9, {
      messageId: 'msg_0',
      status: 'completed',
      recipients: [
        { userid: 'u001', status: 'read' },
        { userid: 'u002', status: 'forbidden', reason: '143105' },
        { userid: 'u003', status: 'unread' },
      ],
    }),
  );
});
afterAll(() => store.close());

describe('read APIs', () => {
  it('lists active users ordered by userid, with a keyset cursor across pages', async () => {
    const first = UsersPageSchema.parse((await get('/api/users?limit=2')).body);
    expect(first.items.map((item) => item.userid)).toEqual(['aaa-viewer', 'u001']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = UsersPageSchema.parse((await get(`/api/users?limit=2&cursor=${first.nextCursor}`)).body);
    expect(second.items.map((item) => item.userid)).toEqual(['u002', 'u003']);
    const third = UsersPageSchema.parse((await get(`/api/users?limit=2&cursor=${second.nextCursor}`)).body);
    expect(third.items.map((item) => item.userid)).toEqual(['u005']);
    expect(third.nextCursor).toBeNull();
  });

  it('searches name and userid case-insensitively and includes removed users only on request', async () => {
    const byName = UsersPageSchema.parse((await get('/api/users?q=zhAng')).body);
    expect(byName.items.map((item) => item.userid)).toEqual(['u001']);
    expect(UsersPageSchema.parse((await get('/api/users?q=sun')).body).items.map((item) => item.userid)).toEqual(['u005']);
    expect(UsersPageSchema.parse((await get('/api/users?q=U00')).body).items).toHaveLength(4);
    expect(UsersPageSchema.parse((await get('/api/users?q=zhao')).body).items).toEqual([]);
    const withInactive = UsersPageSchema.parse((await get('/api/users?q=zhao&includeInactive=true')).body);
    expect(withInactive.items).toEqual([expect.objectContaining({ userid: 'u004', active: false })]);
  });

  it('returns one user with the profile as stored (also when inactive) and 404 for an unknown one', async () => {
    const res = await get('/api/users/u001');
    expect(UserProfileSchema.parse(res.body)).toEqual({
      userid: 'u001',
      unionId: 'union-1',
      name: 'Zhang San',
      title: 'Engineer',
      deptIds: [2],
      active: true,
    });
    expect(UserProfileSchema.parse((await get('/api/users/u004')).body).active).toBe(false);
    const missing = await get('/api/users/nobody');
    expect(missing.status).toBe(404);
    expect(ProblemSchema.parse(missing.body).code).toBe('not_found');
  });

  it('returns the department tree without removed departments; orphans become roots', async () => {
    const tree = DepartmentTreeSchema.parse((await get('/api/departments')).body);
    const shape = (nodes: DepartmentNode[]): unknown[] => nodes.map((node) => ({ [node.name]: shape(node.children) }));
    expect(shape(tree.items)).toEqual([{ Company: [{ Engineering: [{ Backend: [] }] }, { Sales: [] }] }, { Orphan: [] }]);
  });

  it('lists messages newest first with counts, paginated', async () => {
    const first = MessagesPageSchema.parse((await get('/api/messages?limit=2')).body);
    expect(first.items.map((item) => item.id)).toEqual(['msg_2', 'msg_1']);
    const second = MessagesPageSchema.parse((await get(`/api/messages?limit=2&cursor=${first.nextCursor}`)).body);
    expect(second.items.map((item) => item.id)).toEqual(['msg_0']);
    expect(second.nextCursor).toBeNull();
    expect(second.items[0]).toMatchObject({ status: 'completed', counts: expect.objectContaining({ read: 1, forbidden: 1, unread: 1, failed: 0 }) });
  });

  it("returns one message with every recipient's status and reason", async () => {
    const detail = MessageDetailSchema.parse((await get('/api/messages/msg_0')).body);
    expect(detail).toMatchObject({
      id: 'msg_0',
      msgtype: 'text',
      msg: { content: 'hello 0' },
      status: 'completed',
      recipientsSpec: { userIds: ['u001', 'u002', 'u003'] },
    });
    expect(detail.recipients).toEqual([
      { userid: 'u001', status: 'read' },
      { userid: 'u002', status: 'forbidden', reason: '143105' },
      { userid: 'u003', status: 'unread' },
    ]);
    expect(detail.counts).toMatchObject({ read: 1, forbidden: 1, unread: 1, pending: 0 });
    expect((await get('/api/messages/msg_unknown')).status).toBe(404);
  });

  it.each(['/api/users', '/api/users/u001', '/api/departments', '/api/messages', '/api/messages/msg_0'])(
    'when %s is called without a session, then 401',
    async (path) => {
      const res = await request(store.app).get(path);
      expect(res.status).toBe(401);
      expect(ProblemSchema.parse(res.body).code).toBe('unauthorized');
    },
  );
});

describe('bad input', () => {
  it('when the query has wrong types, then 400 naming every bad field with the request id', async () => {
    const res = await get('/api/users?limit=0&includeInactive=maybe').set('x-request-id', 'req-bad-query');
    expect(res.status).toBe(400);
    const problem = ProblemSchema.parse(res.body);
    expect(problem.requestId).toBe('req-bad-query');
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(['query.includeInactive', 'query.limit']);
  });

  it('when the limit is above 200 or the cursor is forged, then 400 naming the field', async () => {
    expect(ProblemSchema.parse((await get('/api/messages?limit=201')).body).errors?.[0]?.path).toBe('query.limit');
    expect(ProblemSchema.parse((await get('/api/users?cursor=not-a-cursor')).body).errors?.[0]?.path).toBe('query.cursor');
    expect(ProblemSchema.parse((await get('/api/messages?cursor=eyJ4IjoxfQ')).body).errors?.[0]?.path).toBe('query.cursor');
  });

  it('when an id, search or cursor holds a NUL (which Postgres text cannot), then 400 naming the field, not a 500', async () => {
    const nulCursor = Buffer.from(JSON.stringify({ after: 'user\u0000' })).toString('base64url');
    for (const [path, field] of [
      ['/api/users/user%00', 'params.userid'],
      ['/api/messages/msg%00', 'params.id'],
      ['/api/users?q=%00', 'query.q'],
      [`/api/users?cursor=${nulCursor}`, 'query.cursor'],
    ] as const) {
      const res = await get(path);
      expect([path, res.status, ProblemSchema.parse(res.body).errors?.[0]?.path]).toEqual([path, 400, field]);
    }
  });

  it('when the JSON body is malformed, then 400 malformed_json with the request id and nothing is written', async () => {
    const before = await store.rowCounts();
    const res = await request(store.app).post('/api/session').set('content-type', 'application/json').set('x-request-id', 'req-malformed').send('{"ticket": ');
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(res.body)).toMatchObject({ code: 'malformed_json', requestId: 'req-malformed' });
    expect(await store.rowCounts()).toEqual(before);
  });

  it('when a body field has the wrong type, then 400 naming body.ticket', async () => {
    const res = await request(store.app).post('/api/session').send({ ticket: 12345 });
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(res.body).errors).toEqual([{ path: 'body.ticket', message: expect.stringMatching(/string/) }]);
  });

  it('when the route is unknown, then 404 problem+json', async () => {
    const res = await request(store.app).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ProblemSchema.parse(res.body).code).toBe('route_not_found');
  });
});

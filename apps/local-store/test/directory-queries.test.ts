// Directory queries a service makes with a token: filters, lookups, stable paging while the
// directory changes, ETags, and departments with member counts. Real Postgres, real HTTP.
import { DepartmentDetailSchema, DepartmentTreeSchema, UserProfileSchema, UsersPageSchema, type DepartmentNode } from '@dtg/contracts';
import { ProblemSchema } from '@dtg/service-kit';
import request from 'supertest';
import { event, user, userUpserted } from './support/events';
import { startTestStore, type TestStore } from './support/test-store';

const ADMIN_TOKEN = 'local-admin-token-for-tests-0123';
let store: TestStore;
let seq = 0;
const next = () => ++seq;

const get = (path: string, headers: Record<string, string> = {}) =>
  request(store.app)
    .get(path)
    .set({ authorization: `Bearer ${ADMIN_TOKEN}`, ...headers });
const ids = (res: request.Response) => UsersPageSchema.parse(res.body).items.map((item) => item.userid);

beforeAll(async () => {
  store = await startTestStore({ env: { LOCAL_ADMIN_TOKEN: ADMIN_TOKEN } });
  await store.push(
    event('department.upserted', next(), {
      departments: [
        { deptId: 1, name: 'Company', parentId: null },
        { deptId: 2, name: 'Engineering', parentId: 1 },
        { deptId: 3, name: 'Backend', parentId: 2 },
        { deptId: 4, name: 'Databases', parentId: 3 },
        { deptId: 5, name: 'Sales', parentId: 1 },
        { deptId: 6, name: 'Closed', parentId: 2 },
      ],
    }),
  );
  await store.push(event('department.removed', next(), { deptIds: [6] }));
  await store.push(
    userUpserted(
      next(),
      user('alice', { name: 'Alice Chen', jobNumber: 'E-100', unionId: 'union-alice', deptIds: [2] }),
      user('bob', { name: 'Bob 50% Wu', jobNumber: 'E-101', deptIds: [3] }),
      user('carol', { name: 'Carol Li', jobNumber: 'S_200', deptIds: [5] }),
      user('dave', { name: 'Dave Zhou', jobNumber: 'E-102', deptIds: [4, 5] }),
      user('erin', { name: 'Erin Sun', deptIds: [1] }),
      user('frank', { name: 'Frank Ma', deptIds: [3] }),
    ),
  );
  await store.push(event('user.removed', next(), { userids: ['frank'] }));
});
afterAll(() => store.close());

describe('GET /api/users filters', () => {
  it('when filtered by department, then only its members; with sub-departments, members anywhere below it (each once)', async () => {
    expect(ids(await get('/api/users?deptId=2'))).toEqual(['alice']);
    expect(ids(await get('/api/users?deptId=2&includeSubDepartments=true'))).toEqual(['alice', 'bob', 'dave']);
    expect(ids(await get('/api/users?deptId=3&includeSubDepartments=true&active=any'))).toEqual(['bob', 'dave', 'frank']);
    expect(ids(await get('/api/users?deptId=1&includeSubDepartments=true'))).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(ids(await get('/api/users?deptId=999'))).toEqual([]);
  });

  it('when filtered by active, then active ones by default, only leavers with false, both with any (or the older includeInactive)', async () => {
    expect(ids(await get('/api/users?active=false'))).toEqual(['frank']);
    expect(ids(await get('/api/users?active=any'))).toHaveLength(6);
    expect(ids(await get('/api/users?includeInactive=true'))).toHaveLength(6);
    expect(ids(await get('/api/users?includeInactive=true&active=true'))).toHaveLength(5);
  });

  it('when searched, then name, userid and job number match case-insensitively, and % or _ are literal', async () => {
    expect(ids(await get('/api/users?q=CHEN'))).toEqual(['alice']);
    expect(ids(await get('/api/users?q=e-10'))).toEqual(['alice', 'bob', 'dave']);
    expect(ids(await get('/api/users?q=rol'))).toEqual(['carol']);
    expect(ids(await get('/api/users?q=50%25'))).toEqual(['bob']);
    expect(ids(await get('/api/users?q=S_2'))).toEqual(['carol']);
    expect(ids(await get('/api/users?q=_'))).toEqual(['carol']);
    expect(ids(await get('/api/users?q=e-10&deptId=3'))).toEqual(['bob']);
  });

  it('when filtered by updatedSince, then only rows the store changed at or after that time', async () => {
    const [{ now }] = (await store.database.db.sql.query<{ now: Date }>('SELECT now() AS now')) as [{ now: Date }];
    await store.push(userUpserted(next(), user('carol', { name: 'Carol Li-Wang', jobNumber: 'S_200', deptIds: [5] })));
    expect(ids(await get(`/api/users?updatedSince=${encodeURIComponent(now.toISOString())}`))).toEqual(['carol']);
    expect(ids(await get('/api/users?updatedSince=2000-01-01T00:00:00%2B08:00'))).toHaveLength(5);
  });

  it.each([
    ['deptId=0', 'query.deptId'],
    ['deptId=-3', 'query.deptId'],
    ['deptId=two', 'query.deptId'],
    ['deptId=99999999999999999999', 'query.deptId'],
    ['limit=0', 'query.limit'],
    ['limit=201', 'query.limit'],
    ['active=maybe', 'query.active'],
    ['updatedSince=yesterday', 'query.updatedSince'],
    ['includeSubDepartments=true', 'query.includeSubDepartments'],
    ['q=', 'query.q'],
  ])('when %s, then 400 names %s', async (query, field) => {
    const res = await get(`/api/users?${query}`);
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(res.body).errors?.map((error) => error.path)).toContain(field);
  });
});

describe('lookups', () => {
  it('when a user is looked up by unionId, then the profile; an unknown one is 404', async () => {
    expect(UserProfileSchema.parse((await get('/api/users/by-union-id/union-alice')).body).userid).toBe('alice');
    expect((await get('/api/users/by-union-id/union-nobody')).status).toBe(404);
  });
});

describe('paging while the directory changes', () => {
  it('when users are added, changed and removed between pages, then every user present throughout is seen exactly once', async () => {
    const people = Array.from({ length: 30 }, (_, i) => user(`p${String(i).padStart(3, '0')}`, { deptIds: [5] }));
    await store.push(userUpserted(next(), ...people));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = UsersPageSchema.parse((await get(`/api/users?deptId=5&limit=7${cursor ? `&cursor=${cursor}` : ''}`)).body);
      seen.push(...page.items.map((item) => item.userid));
      cursor = page.nextCursor;
      pages += 1;
      // Between pages: someone new sorts before the cursor, someone ahead is renamed, someone ahead leaves.
      if (pages === 2) {
        await store.push(userUpserted(next(), user('p000a', { deptIds: [5] }), user('p020', { name: 'Renamed', deptIds: [5] })));
        await store.push(event('user.removed', next(), { userids: ['p025'] }));
      }
    } while (cursor);
    const throughout = [...people.map((p) => p.userid), 'carol', 'dave'].filter((id) => id !== 'p025').sort();
    expect(seen.filter((id) => throughout.includes(id))).toEqual(throughout);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain('p025');
  });
});

describe('ETags', () => {
  it('when If-None-Match carries the ETag of an unchanged answer, then 304 with no body; after a change, 200 with a new ETag', async () => {
    const first = await get('/api/users?deptId=2&includeSubDepartments=true');
    const etag = first.headers.etag as string;
    expect(etag).toBeDefined();
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await get('/api/users?deptId=2&includeSubDepartments=true', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    await store.push(userUpserted(next(), user('alice', { name: 'Alice Chen-Lu', jobNumber: 'E-100', unionId: 'union-alice', deptIds: [2] })));
    const changed = await get('/api/users?deptId=2&includeSubDepartments=true', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    const tree = await get('/api/departments');
    expect((await get('/api/departments', { 'if-none-match': tree.headers.etag as string })).status).toBe(304);
  });
});

describe('departments', () => {
  const shape = (nodes: DepartmentNode[]): unknown[] => nodes.map((node) => ({ [`${node.name} ${node.memberCount}`]: shape(node.children) }));

  it('when the tree is read, then every current department carries its direct active member count; rootId gives a subtree', async () => {
    const tree = DepartmentTreeSchema.parse((await get('/api/departments')).body);
    const sales = tree.items[0]?.children.find((node) => node.deptId === 5);
    expect(shape(tree.items)[0]).toEqual({
      'Company 1': [{ 'Engineering 1': [{ 'Backend 1': [{ 'Databases 1': [] }] }] }, { [`Sales ${sales?.memberCount}`]: [] }],
    });
    const subtree = DepartmentTreeSchema.parse((await get('/api/departments?rootId=3')).body);
    expect(shape(subtree.items)).toEqual([{ 'Backend 1': [{ 'Databases 1': [] }] }]);
    expect((await get('/api/departments?rootId=6')).status).toBe(404);
    expect(ProblemSchema.parse((await get('/api/departments?rootId=0')).body).errors?.[0]?.path).toBe('query.rootId');
  });

  it('when one department is read, then its direct and total members (each person once) and its path', async () => {
    const detail = DepartmentDetailSchema.parse((await get('/api/departments/2')).body);
    expect(detail).toEqual({
      deptId: 2,
      name: 'Engineering',
      parentId: 1,
      memberCount: 1,
      totalMemberCount: 3,
      path: [{ deptId: 1, name: 'Company' }],
    });
    expect((await get('/api/departments/6')).status).toBe(404);
  });
});

describe('big subtrees', () => {
  it('when a subtree has many departments, then its members are found all the same (the query takes another form above 16)', async () => {
    const chain = Array.from({ length: 20 }, (_, i) => ({ deptId: 100 + i, name: `Level ${i}`, parentId: i === 0 ? 5 : 99 + i }));
    await store.push(event('department.upserted', next(), { departments: chain }));
    await store.push(userUpserted(next(), user('deep-down', { deptIds: [119] }), user('half-way', { deptIds: [110] })));
    expect(ids(await get('/api/users?deptId=100&includeSubDepartments=true'))).toEqual(['deep-down', 'half-way']);
    expect(ids(await get('/api/users?deptId=110&includeSubDepartments=true&q=half'))).toEqual(['half-way']);
    // The tree (read and kept by earlier tests) is built anew after the change.
    const tree = DepartmentTreeSchema.parse((await get('/api/departments?rootId=110')).body);
    expect(tree.items[0]).toMatchObject({ deptId: 110, memberCount: 1 });
  });
});

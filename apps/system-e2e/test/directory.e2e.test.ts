// Directory sync across real processes: the cloud walks the simulator's ~200-user org and the local
// store's Postgres ends up with exactly that org; a second sync after people leave and a department
// is renamed changes exactly those rows and nothing else.
import { z } from 'zod';
import { DepartmentTreeSchema, UsersPageSchema, type DepartmentNode, type UserProfile } from '@dtg/contracts';
import { DEMO } from '@dtg/dingtalk-sim';
import { localSession } from './support/browser';
import { call, simControl, type Stack, startStack, waitFor } from '@dtg/testkit';
import { demoOrg, listedProfile, type DemoOrg } from './support/demo-org';
import { settled } from './support/tenant-state';

const SyncViewSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  departmentsSeen: z.number(),
  usersSeen: z.number(),
  usersRemoved: z.number(),
  error: z.string().nullable(),
});

interface UserRow {
  userid: string;
  union_id: string | null;
  name: string;
  avatar: string | null;
  title: string | null;
  job_number: string | null;
  mobile: string | null;
  email: string | null;
  dept_ids: string[];
  manager_userid: string | null;
  admin: boolean | null;
  boss: boolean | null;
  active: boolean;
}

/** A users row read back as the profile it stores (absent fields were stored as NULL). */
function rowProfile(row: UserRow): UserProfile {
  const optional = (key: keyof UserProfile, value: string | boolean | null) => (value === null ? {} : { [key]: value });
  return {
    userid: row.userid,
    ...optional('unionId', row.union_id),
    name: row.name,
    ...optional('avatar', row.avatar),
    ...optional('title', row.title),
    ...optional('jobNumber', row.job_number),
    ...optional('mobile', row.mobile),
    ...optional('email', row.email),
    deptIds: row.dept_ids.map(Number),
    ...optional('managerUserid', row.manager_userid),
    ...optional('admin', row.admin),
    ...optional('boss', row.boss),
    active: row.active,
  } as UserProfile;
}

async function usersInPostgres(stack: Stack): Promise<Map<string, UserProfile>> {
  const { rows } = await stack.pg.query<UserRow>(
    `SELECT userid, union_id, name, avatar, title, job_number, mobile, email, dept_ids::text[] AS dept_ids, manager_userid, admin, boss, active
     FROM users WHERE tenant_id = $1 ORDER BY userid`,
    [stack.tenant.id],
  );
  return new Map(rows.map((row) => [row.userid, rowProfile(row)]));
}

async function departmentsInPostgres(stack: Stack) {
  const { rows } = await stack.pg.query<{ dept_id: string; name: string; parent_id: string | null; removed: boolean }>(
    'SELECT dept_id, name, parent_id, removed FROM departments WHERE tenant_id = $1 ORDER BY dept_id',
    [stack.tenant.id],
  );
  return rows.map((r) => ({ deptId: Number(r.dept_id), name: r.name, parentId: r.parent_id === null ? null : Number(r.parent_id), removed: r.removed }));
}

async function sync(stack: Stack) {
  const started = await call<{ id: string }>(stack.cloud.url, 'POST', '/v1/directory/sync', { token: stack.tenant.apiKey, body: {} });
  expect(started.status).toBe(202);
  const view = await waitFor(async () => {
    const reply = await call(stack.cloud.url, 'GET', `/v1/directory/sync/${started.body.id}`, { token: stack.tenant.apiKey });
    const parsed = SyncViewSchema.parse(reply.body);
    return parsed.status === 'running' ? undefined : parsed;
  }, 'the directory sync to finish');
  await settled(stack);
  return view;
}

/** Every user through the local store's API (paged), validated against the contract. */
async function usersViaApi(stack: Stack, cookie: string, includeInactive: boolean): Promise<UserProfile[]> {
  const users: UserProfile[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '80', includeInactive: String(includeInactive), ...(cursor ? { cursor } : {}) });
    const reply = await call(stack.local.url, 'GET', `/api/users?${query}`, { cookie });
    expect(reply.status).toBe(200);
    const page = UsersPageSchema.parse(reply.body);
    users.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return users;
}

const flatten = (nodes: DepartmentNode[]): Array<Omit<DepartmentNode, 'children' | 'memberCount'>> =>
  nodes.flatMap(({ children, memberCount: _count, ...node }) => [node, ...flatten(children)]);

/** Direct active members per department, as the tree's memberCount should report them. */
const memberCounts = (nodes: DepartmentNode[]): Map<number, number> =>
  new Map(
    nodes.flatMap(function walk(node): [number, number][] {
      return [[node.deptId, node.memberCount], ...node.children.flatMap(walk)];
    }),
  );

describe('directory sync across real processes', () => {
  let stack: Stack;
  let demo: DemoOrg;
  let cookie: string;

  beforeAll(async () => {
    stack = await startStack();
    demo = await demoOrg(stack);
    // The org admin signs in to the local store, to read the directory through its API too.
    cookie = (await localSession(stack, DEMO.adminUserid)).cookie;
  }, 90_000);
  afterAll(() => stack?.close());

  it('when the demo org is synced, then every user and department of the fixture is in Postgres, then a second sync reflects exactly 3 leavers and 1 rename', async () => {
    const first = await sync(stack);
    expect(first).toMatchObject({ status: 'completed', departmentsSeen: 11, usersSeen: DEMO.userCount, usersRemoved: 0, error: null });

    const expectedUsers = new Map([...demo.profiles].map(([userid, profile]) => [userid, listedProfile(profile)]));
    const before = await usersInPostgres(stack);
    expect(before.size).toBe(DEMO.userCount);
    expect(before).toEqual(expectedUsers);
    const departmentsBefore = await departmentsInPostgres(stack);
    expect(departmentsBefore).toEqual(demo.departments.map((d) => ({ ...d, removed: false })));

    const api = await usersViaApi(stack, cookie, false);
    expect(new Map(api.map((u) => [u.userid, u]))).toEqual(expectedUsers);
    const tree = DepartmentTreeSchema.parse((await call(stack.local.url, 'GET', '/api/departments', { cookie })).body);
    expect(tree.items.map((d) => d.deptId)).toEqual([1]);
    expect(flatten(tree.items).sort((a, b) => a.deptId - b.deptId)).toEqual(demo.departments);
    const members = (deptId: number) => [...expectedUsers.values()].filter((u) => u.deptIds.includes(deptId)).length;
    expect(memberCounts(tree.items)).toEqual(new Map(demo.departments.map((d) => [d.deptId, members(d.deptId)])));

    const leavers = ['user050', 'user120', 'user199'];
    for (const userid of leavers) await simControl(stack.sim.url, 'DELETE', `/orgs/${DEMO.corpId}/users/${userid}`);
    await simControl(stack.sim.url, 'PATCH', `/orgs/${DEMO.corpId}/departments/6`, { name: 'Mobile Apps' });

    const second = await sync(stack);
    expect(second).toMatchObject({ status: 'completed', departmentsSeen: 11, usersSeen: DEMO.userCount - 3, usersRemoved: 3, error: null });
    const after = await usersInPostgres(stack);
    const expectedAfter = new Map(before);
    for (const userid of leavers) expectedAfter.set(userid, { ...(before.get(userid) as UserProfile), active: false });
    expect(after).toEqual(expectedAfter);
    expect(await departmentsInPostgres(stack)).toEqual(departmentsBefore.map((d) => (d.deptId === 6 ? { ...d, name: 'Mobile Apps' } : d)));

    const active = await usersViaApi(stack, cookie, false);
    expect(active).toHaveLength(DEMO.userCount - 3);
    expect(active.filter((u) => leavers.includes(u.userid))).toEqual([]);
    const all = await usersViaApi(stack, cookie, true);
    expect(all.filter((u) => !u.active).map((u) => u.userid)).toEqual(leavers);
    const renamed = flatten(DepartmentTreeSchema.parse((await call(stack.local.url, 'GET', '/api/departments', { cookie })).body).items);
    expect(renamed.find((d) => d.deptId === 6)).toEqual({ deptId: 6, name: 'Mobile Apps', parentId: 2 });
  });
});

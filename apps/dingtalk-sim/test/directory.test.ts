import { DEMO } from '../src';
import { useSimulator } from './sim-client';

const sim = useSimulator();

interface ListPage {
  has_more: boolean;
  next_cursor?: number;
  list: Array<Record<string, unknown> & { userid: string }>;
}

describe('directory reads', () => {
  it('pages /topapi/v2/user/list with cursor/size over direct members only, ending without next_cursor', async () => {
    const token = await sim().appToken();
    const seen: string[] = [];
    let cursor: number | undefined = 0;
    let pages = 0;
    while (cursor !== undefined) {
      const r: { body: { result: ListPage } } = await sim().oapi<{ result: ListPage }>('/topapi/v2/user/list', token, { dept_id: 2, cursor, size: 7 });
      seen.push(...r.body.result.list.map((u) => u.userid));
      expect(r.body.result.has_more).toBe(r.body.result.next_cursor !== undefined);
      cursor = r.body.result.next_cursor;
      pages++;
    }
    const direct = sim()
      .running.sim.world.orgs.directMembers(DEMO.corpId, 2)
      .map((m) => m.userid);
    expect(seen).toEqual(direct);
    expect(pages).toBe(Math.ceil(direct.length / 7));
    // Platform (5) is under Engineering (2) but its members are not direct members of 2.
    expect(seen).not.toContain(sim().running.sim.world.orgs.directMembers(DEMO.corpId, 5)[0]?.userid);
  });

  it('rejects size outside 1..100 and a missing cursor', async () => {
    const token = await sim().appToken();
    expect((await sim().oapi('/topapi/v2/user/list', token, { dept_id: 1, cursor: 0, size: 101 })).body['errcode']).toBe(400002);
    expect((await sim().oapi('/topapi/v2/user/list', token, { dept_id: 1, cursor: 0, size: 0 })).body['errcode']).toBe(400002);
    expect((await sim().oapi('/topapi/v2/user/list', token, { dept_id: 1, size: 10 })).body['errcode']).toBe(40035);
  });

  it('lists departments one level at a time, with numeric ids; unknown department → 60003', async () => {
    const token = await sim().appToken();
    const root = await sim().oapi<{ result: Array<{ dept_id: number; name: string; parent_id: number }> }>('/topapi/v2/department/listsub', token, {});
    expect(root.body.result.map((d) => [d.dept_id, d.name, d.parent_id])).toEqual([
      [2, 'Engineering', 1],
      [3, 'Sales', 1],
      [4, 'Operations', 1],
    ]);
    const ids = await sim().oapi('/topapi/v2/department/listsubid', token, { dept_id: 5 });
    expect(ids.body['result']).toEqual({ dept_id_list: [7] });
    expect((await sim().oapi('/topapi/v2/department/listsub', token, { dept_id: 999 })).body['errcode']).toBe(60003);
    const userids = await sim().oapi<{ result: { userid_list: string[] } }>('/topapi/user/listid', token, { dept_id: 1 });
    expect(userids.body.result.userid_list).toEqual(['user001']);
  });

  it('department/get answers its documented fields: counts, managers and order; ISV tokens get no source_identifier', async () => {
    const r = await sim().oapi<{ result: Record<string, unknown> }>('/topapi/v2/department/get', await sim().appToken(), { dept_id: 2 });
    const orgs = sim().running.sim.world.orgs;
    const subtree = new Set(orgs.subtree(DEMO.corpId, 2));
    expect(r.body.result).toEqual({
      dept_id: 2,
      name: 'Engineering',
      parent_id: 1,
      source_identifier: '',
      from_union_org: false,
      create_dept_group: false,
      auto_add_user: false,
      auto_approve_apply: false,
      group_contain_sub_dept: false,
      order: 1,
      dept_manager_userid_list: orgs
        .members(DEMO.corpId)
        .filter((m) => m.leaderInDepts.includes(2))
        .map((m) => m.userid),
      outer_dept: false,
      hide_dept: false,
      member_count: orgs.members(DEMO.corpId).filter((m) => m.deptIds.some((d) => subtree.has(d))).length,
      owning_member_count: orgs.directMembers(DEMO.corpId, 2).length,
    });
    expect(r.body.result['member_count']).toBeGreaterThan(r.body.result['owning_member_count'] as number);
    const isv = await sim().oapi<{ result: Record<string, unknown> }>('/topapi/v2/department/get', await sim().corpToken(), { dept_id: 3 });
    expect(isv.body.result).toMatchObject({ dept_id: 3, name: 'Sales', order: 2 });
    expect(isv.body.result).not.toHaveProperty('source_identifier');
  });

  it('hides mobile, email, state_code and hired_date from ISV tokens, and each developer sees its own unionId', async () => {
    const internal = await sim().oapi<{ result: Record<string, unknown> }>('/topapi/v2/user/get', await sim().appToken(), { userid: 'user002' });
    expect(internal.body.result).toMatchObject({
      userid: 'user002',
      unionid: 'union-user002',
      mobile: '13800000002',
      state_code: '86',
      email: expect.any(String),
      hired_date: expect.any(Number),
      dept_id_list: [2],
    });
    const corpToken = await sim().corpToken();
    const isv = await sim().oapi<{ result: Record<string, unknown> }>('/topapi/v2/user/get', corpToken, { userid: 'user002' });
    expect(isv.body.result).toMatchObject({ userid: 'user002', unionid: 'isvunion-user002', name: internal.body.result['name'] });
    for (const field of ['mobile', 'state_code', 'email', 'org_email', 'hired_date', 'telephone']) expect(isv.body.result).not.toHaveProperty(field);
    const list = await sim().oapi<{ result: ListPage }>('/topapi/v2/user/list', corpToken, { dept_id: 2, cursor: 0, size: 5 });
    for (const user of list.body.result.list) expect(user).not.toHaveProperty('mobile');
  });

  it("getbyunionid maps a unionId of the same developer to the userid of this org; other developers' unionIds → 60121", async () => {
    const appToken = await sim().appToken();
    expect((await sim().oapi('/topapi/user/getbyunionid', appToken, { unionid: 'union-user007' })).body['result']).toEqual({
      contact_type: 0,
      userid: 'user007',
    });
    expect((await sim().oapi('/topapi/user/getbyunionid', appToken, { unionid: 'isvunion-user007' })).body['errcode']).toBe(60121);
    expect((await sim().oapi('/topapi/v2/user/get', appToken, { userid: 'nobody' })).body['errcode']).toBe(60121);
  });

  it('userid is per org: the same person has another userid in the second org', async () => {
    await sim().running.sim.installSuite(DEMO.secondCorpId);
    const token = await sim().corpToken(DEMO.secondCorpId);
    const r = await sim().oapi('/topapi/user/getbyunionid', token, { unionid: 'isvunion-user001' });
    expect(r.body['result']).toEqual({ contact_type: 0, userid: 'second001' });
  });

  it('in-app login codes (v2/user/getuserinfo) work once', async () => {
    const code = (await sim().control<{ code: string }>('POST', `/orgs/${DEMO.corpId}/users/user001/auth-code`)).body.code;
    const token = await sim().appToken();
    const first = await sim().oapi('/topapi/v2/user/getuserinfo', token, { code });
    expect(first.body['result']).toMatchObject({ userid: 'user001', unionid: 'union-user001', sys: true, sys_level: 1 });
    expect((await sim().oapi('/topapi/v2/user/getuserinfo', token, { code })).body['errcode']).toBe(40078);
  });
});

describe('org mutations through the control plane', () => {
  it('adds, updates and removes users and departments; the directory reflects each change', async () => {
    const token = await sim().appToken();
    const dept = await sim().control<{ value: { deptId: number } }>('POST', `/orgs/${DEMO.corpId}/departments`, { name: 'Research', parentId: 2 });
    expect(dept.status).toBe(200);
    const deptId = dept.body.value.deptId;
    expect((await sim().control('POST', `/orgs/${DEMO.corpId}/users`, { userid: 'newbie', name: 'Xu Ming', deptIds: [deptId] })).status).toBe(200);
    expect((await sim().oapi('/topapi/user/listid', token, { dept_id: deptId })).body['result']).toEqual({ userid_list: ['newbie'] });
    expect((await sim().control('PATCH', `/orgs/${DEMO.corpId}/users/newbie`, { title: 'Researcher' })).status).toBe(200);
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: 'newbie' })).body['result']).toMatchObject({ title: 'Researcher' });
    expect((await sim().control('DELETE', `/orgs/${DEMO.corpId}/departments/${deptId}`)).status).toBe(409);
    expect((await sim().control('DELETE', `/orgs/${DEMO.corpId}/users/newbie`)).status).toBe(200);
    expect((await sim().control('DELETE', `/orgs/${DEMO.corpId}/departments/${deptId}`)).status).toBe(200);
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: 'newbie' })).body['errcode']).toBe(60121);
  });

  it('adds many users in one call, all or none', async () => {
    const token = await sim().appToken();
    const dept = (await sim().control<{ value: { deptId: number } }>('POST', `/orgs/${DEMO.corpId}/departments`, { name: 'Bulk', parentId: 1 })).body.value
      .deptId;
    const users = Array.from({ length: 5000 }, (_, i) => ({ userid: `bulk${String(i).padStart(4, '0')}`, name: `Bulk ${i}`, deptIds: [dept] }));
    const added = await sim().control<{ added: number }>('POST', `/orgs/${DEMO.corpId}/users/bulk`, { users });
    expect(added.body).toEqual({ added: 5000 });
    const listed = (await sim().oapi<{ result: { userid_list: string[] } }>('/topapi/user/listid', token, { dept_id: dept })).body.result.userid_list;
    expect(listed).toEqual(users.map((u) => u.userid));
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: 'bulk4999' })).body['result']).toMatchObject({ name: 'Bulk 4999' });

    // One existing userid, or one unknown department, and nothing of the batch is added.
    const fresh = { userid: 'bulk-fresh', name: 'Fresh', deptIds: [dept] };
    expect((await sim().control('POST', `/orgs/${DEMO.corpId}/users/bulk`, { users: [fresh, users[0]] })).status).toBe(409);
    expect(
      (await sim().control('POST', `/orgs/${DEMO.corpId}/users/bulk`, { users: [fresh, { ...fresh, userid: 'bulk-lost', deptIds: [987654] }] })).status,
    ).toBe(404);
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: 'bulk-fresh' })).body['errcode']).toBe(60121);
    const tooMany = await sim().control<{ issues: { path: string }[] }>('POST', `/orgs/${DEMO.corpId}/users/bulk`, { users: [...users, fresh] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.issues[0]?.path).toBe('users');
  });

  it('rejects invalid mutation bodies with 400 and unknown targets with 404', async () => {
    expect((await sim().control('POST', `/orgs/${DEMO.corpId}/users`, { userid: 'x' })).status).toBe(400);
    expect((await sim().control('PATCH', `/orgs/${DEMO.corpId}/users/ghost`, { title: 'x' })).status).toBe(404);
    expect((await sim().control('POST', `/orgs/nope/users`, { userid: 'x', name: 'X', deptIds: [1] })).status).toBe(404);
  });
});

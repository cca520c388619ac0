import { DEMO } from '../src';
import { useSimulator } from './sim-client';

const sim = useSimulator();

describe('what first deployments trip over (all open until switched on through /_sim/access)', () => {
  it('an app lacking a permission gets 88/60011 naming requiredScopes on the old host; granted again, the call works', async () => {
    const token = await sim().appToken();
    const open = await sim().oapi('/topapi/v2/department/listsub', token, { dept_id: 1 });
    expect(open.body).toMatchObject({ errcode: 0 });

    const set = await sim().control('PUT', `/access/apps/${DEMO.app.appKey}`, { deniedPermissions: ['qyapi_get_department_list'] });
    expect(set.body).toEqual({ app: DEMO.app.appKey, deniedPermissions: ['qyapi_get_department_list'], ipAllowlist: [] });
    const refused = await sim().oapi<{ errcode: number; sub_code: string; sub_msg: string }>('/topapi/v2/department/listsub', token, { dept_id: 1 });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ errcode: 88, sub_code: '60011' });
    expect(refused.body.sub_msg).toContain('requiredScopes:[qyapi_get_department_list]');
    // Other permissions are unaffected.
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: DEMO.adminUserid })).body).toMatchObject({ errcode: 0 });

    await sim().control('PUT', `/access/apps/${DEMO.app.appKey}`, { deniedPermissions: [] });
    expect((await sim().oapi('/topapi/v2/department/listsub', token, { dept_id: 1 })).body).toMatchObject({ errcode: 0 });
  });

  it("a caller outside the app's IP allow-list gets 88/60020 with its address; a listed address passes", async () => {
    const token = await sim().appToken();
    await sim().control('PUT', `/access/apps/${DEMO.app.appKey}`, { ipAllowlist: ['203.0.113.7'] });
    const refused = await sim().oapi<{ errcode: number; sub_code: string; sub_msg: string }>('/topapi/v2/user/get', token, { userid: DEMO.adminUserid });
    expect(refused.body).toMatchObject({ errcode: 88, sub_code: '60020' });
    expect(refused.body.sub_msg).toContain('127.0.0.1');

    await sim().control('PUT', `/access/apps/${DEMO.app.appKey}`, { ipAllowlist: ['203.0.113.7', '127.0.0.1'] });
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: DEMO.adminUserid })).body).toMatchObject({ errcode: 0 });
  });

  it('an ISV install limited to one department reads that subtree only: 50004 for other departments, 50002 for their people', async () => {
    const world = sim().running.sim.world;
    const inside = world.orgs.directMembers(DEMO.corpId, 2)[0];
    const outside = world.orgs.members(DEMO.corpId).find((m) => !world.orgs.subtree(DEMO.corpId, 2).some((d) => m.deptIds.includes(d)));
    expect(inside && outside).toBeTruthy();
    const scope = await sim().control('PUT', `/orgs/${DEMO.corpId}/contact-scope`, { suiteKey: DEMO.suite.suiteKey, deptIds: [2] });
    expect(scope.status).toBe(200);

    const corpToken = await sim().corpToken();
    expect((await sim().oapi('/topapi/v2/department/get', corpToken, { dept_id: 2 })).body).toMatchObject({ errcode: 0 });
    expect((await sim().oapi('/topapi/v2/department/listsub', corpToken, { dept_id: 1 })).body).toMatchObject({ errcode: 50004 });
    expect((await sim().oapi('/topapi/v2/user/get', corpToken, { userid: inside?.userid })).body).toMatchObject({ errcode: 0 });
    expect((await sim().oapi('/topapi/v2/user/get', corpToken, { userid: outside?.userid })).body).toMatchObject({ errcode: 50002 });
    // The internal app of the same org is not limited by the suite's scope.
    expect((await sim().oapi('/topapi/v2/department/listsub', await sim().appToken(), { dept_id: 1 })).body).toMatchObject({ errcode: 0 });
  });

  it('refuses unknown apps, permissions and departments with 4xx, and a reset opens everything again', async () => {
    expect((await sim().control('PUT', '/access/apps/nosuchapp', { deniedPermissions: [] })).status).toBe(404);
    expect((await sim().control('PUT', `/access/apps/${DEMO.app.appKey}`, { deniedPermissions: ['made_up'] })).status).toBe(400);
    expect((await sim().control('PUT', `/orgs/${DEMO.corpId}/contact-scope`, { suiteKey: DEMO.suite.suiteKey, deptIds: [99999] })).status).toBe(404);
    await sim().control('PUT', `/access/apps/${DEMO.app.appKey}`, { deniedPermissions: ['qyapi_base'] });
    sim().running.sim.reset();
    expect((await sim().control<{ apps: unknown[] }>('GET', '/access')).body.apps).toEqual([]);
  });
});

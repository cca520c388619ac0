import type { Department, EventEnvelope, UserProfile } from '@dtg/contracts';
import { DEMO } from '@dtg/dingtalk-sim';
import { mintUserToken } from '../src/features/auth/user-tokens';
import { eachIdentityStack, type IdentityStack, type TestTenant } from './support/identity-stack';
import { simControl, waitFor } from '@dtg/testkit';

interface SyncView {
  id: string;
  status: 'running' | 'completed' | 'failed';
  departmentsSeen: number;
  usersSeen: number;
  usersRemoved: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

describe('directory sync', () => {
  let stack: IdentityStack;
  let tenant: TestTenant;

  eachIdentityStack((s, t) => ([stack, tenant] = [s, t]));

  const demoOrg = () => {
    const org = stack.sim.sim.fixture().orgs.find((o) => o.corpId === DEMO.corpId);
    if (!org) throw new Error('no demo org');
    return org;
  };

  async function startSync(token = tenant.apiKey, body?: unknown) {
    const res = await stack.call<{ id: string; status: string }>('POST', '/v1/directory/sync', { token, body });
    expect(res.status).toBe(202);
    return res.body;
  }

  async function finished(id: string): Promise<SyncView> {
    return waitFor(
      async () => {
        const view = (await stack.call<SyncView>('GET', `/v1/directory/sync/${id}`, { token: tenant.apiKey })).body;
        return view.status === 'running' ? undefined : view;
      },
      `sync ${id} to finish`,
      20_000,
    );
  }

  async function eventsAfter(seq: number) {
    const all = await stack.events(tenant);
    const of = <T extends EventEnvelope['type']>(type: T) => all.filter((e) => e.seq > seq && e.type === type) as EventEnvelope<T>[];
    return {
      all: all.filter((e) => e.seq > seq),
      users: of('user.upserted').flatMap((e) => e.data.users),
      departments: of('department.upserted').flatMap((e) => e.data.departments),
      removedUsers: of('user.removed').flatMap((e) => e.data.userids),
      removedDepartments: of('department.removed').flatMap((e) => e.data.deptIds),
      lastSeq: all.at(-1)?.seq ?? seq,
    };
  }

  it('when the demo org is synced, then every department and every user is emitted once, in batches of ≤ 100', async () => {
    const [first, second] = await Promise.all([startSync(), startSync()]);
    expect(first).toEqual({ id: expect.stringMatching(/^dsync_/), status: 'running' });
    expect(second?.id).toBe(first?.id);
    expect(await stack.cloud.services.db.directorySync.count()).toBe(1);

    const view = await finished(first?.id ?? '');
    expect(view).toMatchObject({ status: 'completed', departmentsSeen: 11, usersSeen: 200, usersRemoved: 0, error: null });
    expect(view.finishedAt).not.toBeNull();

    const seen = await eventsAfter(0);
    const expectedDepartments: Department[] = demoOrg().departments.map((d) => ({
      deptId: d.deptId,
      name: d.deptId === 1 ? 'Demo Org' : d.name,
      parentId: d.parentId ?? null,
    }));
    expect([...seen.departments].sort((a, b) => a.deptId - b.deptId)).toEqual(expectedDepartments);
    const userids = seen.users.map((u: UserProfile) => u.userid);
    expect(new Set(userids).size).toBe(200);
    expect(userids).toHaveLength(200);
    // user040 is in Operations and Support: listed twice by DingTalk, emitted once.
    expect(seen.users.filter((u) => u.userid === 'user040').map((u) => u.deptIds)).toEqual([[4, 11]]);
    expect(seen.all.every((e) => ('users' in e.data ? e.data.users.length : 'departments' in e.data ? e.data.departments.length : 0) <= 100)).toBe(true);
    expect(seen.removedUsers).toEqual([]);
  });

  it('when people leave and a department is renamed, then the next sync emits exactly those changes', async () => {
    await finished((await startSync()).id);
    const { lastSeq } = await eventsAfter(0);
    for (const userid of ['user050', 'user051', 'user199']) await simControl(stack.sim.url, 'DELETE', `/orgs/${DEMO.corpId}/users/${userid}`);
    await simControl(stack.sim.url, 'PATCH', `/orgs/${DEMO.corpId}/departments/9`, { name: 'Sales North-East' });

    const view = await finished((await startSync()).id);
    expect(view).toMatchObject({ status: 'completed', usersSeen: 197, usersRemoved: 3 });
    const changes = await eventsAfter(lastSeq);
    expect(changes.all.map((e) => e.type).sort()).toEqual(['department.upserted', 'user.removed']);
    expect(changes.removedUsers.sort()).toEqual(['user050', 'user051', 'user199']);
    expect(changes.departments).toEqual([{ deptId: 9, name: 'Sales North-East', parentId: 3 }]);

    const full = await finished((await startSync(tenant.apiKey, { full: true })).id);
    expect(full.usersRemoved).toBe(0);
    const resent = await eventsAfter(changes.lastSeq);
    expect(resent.users).toHaveLength(197);
    expect(resent.departments).toHaveLength(11);
  });

  it('when a department is removed, then the next sync emits department.removed for it', async () => {
    await simControl(stack.sim.url, 'POST', `/orgs/${DEMO.corpId}/departments`, { name: 'Temp', parentId: 4, deptId: 50 });
    await finished((await startSync()).id);
    const { lastSeq, departments } = await eventsAfter(0);
    expect(departments).toContainEqual({ deptId: 50, name: 'Temp', parentId: 4 });
    await simControl(stack.sim.url, 'DELETE', `/orgs/${DEMO.corpId}/departments/50`);
    await finished((await startSync()).id);
    const changes = await eventsAfter(lastSeq);
    expect(changes.all.map((e) => e.type)).toEqual(['department.removed']);
    expect(changes.removedDepartments).toEqual([50]);
  });

  it('when DingTalk fails mid-sync, then the job resumes from its saved progress without re-walking or re-emitting', async () => {
    await simControl(stack.sim.url, 'POST', '/faults', { rules: [{ path: '/topapi/v2/user/list', kind: 'busy', times: 3 }] });
    const view = await finished((await startSync()).id);
    expect(view).toMatchObject({ status: 'completed', departmentsSeen: 11, usersSeen: 200 });
    const ok = (path: string) => stack.sim.sim.requestLog({ pathPrefix: path }).filter((r) => r.httpStatus === 200 && !r.errcode);
    expect(stack.sim.sim.requestLog({ pathPrefix: '/topapi/v2/user/list' }).filter((r) => r.errcode === -1)).toHaveLength(3);
    expect(ok('/topapi/v2/department/listsub')).toHaveLength(11);
    expect(ok('/topapi/v2/user/list')).toHaveLength(11);
    const seen = await eventsAfter(0);
    expect(seen.users).toHaveLength(200);
    expect(seen.departments).toHaveLength(11);
  });

  it('when DingTalk refuses for good, then the sync fails with the reason and a new one may start', async () => {
    await simControl(stack.sim.url, 'POST', '/faults', { rules: [{ path: '/topapi/v2/department/listsub', kind: 'monthly-quota', times: 1 }] });
    const failed = await finished((await startSync()).id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/90020|quota/i);
    const next = await startSync();
    expect(next.id).not.toBe(failed.id);
    expect((await finished(next.id)).status).toBe('completed');
  });

  it('when a user token starts a sync, then only an org admin may; a member is told directory:sync is missing', async () => {
    const token = (userid: string, role: 'admin' | 'member') =>
      mintUserToken(stack.cloud.services.config.USER_TOKEN_SECRET, { tenantId: tenant.id, userid, role }, 60_000).token;
    const refused = await stack.call('POST', '/v1/directory/sync', { token: token('user002', 'member') });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'missing_permission', missingPermission: 'directory:sync' });
    expect(await stack.cloud.services.db.directorySync.count()).toBe(0);
    const started = await startSync(token(DEMO.adminUserid, 'admin'));
    expect((await stack.call('GET', `/v1/directory/sync/${started.id}`, { token: token('user002', 'member') })).status).toBe(200);
    expect((await stack.call('GET', '/v1/directory/sync/dsync_nope', { token: tenant.apiKey })).status).toBe(404);
    await finished(started.id);
  });
});

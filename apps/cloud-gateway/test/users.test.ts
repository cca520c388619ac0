import type { EventEnvelope, UserProfile } from '@dtg/contracts';
import { DEMO } from '@dtg/dingtalk-sim';
import { mintUserToken } from '../src/features/auth/user-tokens';
import { eachIdentityStack, type IdentityStack, type TestTenant } from './support/identity-stack';
import { simControl } from '@dtg/testkit';

describe('user info (GET /v1/users)', () => {
  let stack: IdentityStack;
  let tenant: TestTenant;

  eachIdentityStack((s, t) => ([stack, tenant] = [s, t]));

  const userGets = () => stack.sim.sim.requestLog({ pathPrefix: '/topapi/v2/user/get' }).length;
  const upserts = async () => (await stack.events(tenant)).filter((e): e is EventEnvelope<'user.upserted'> => e.type === 'user.upserted');
  const tokenFor = (userid: string) =>
    mintUserToken(stack.cloud.services.config.USER_TOKEN_SECRET, { tenantId: tenant.id, userid, role: 'member' }, 60_000).token;

  it('when a person is looked up, then the profile comes from DingTalk and is published once while unchanged', async () => {
    const first = await stack.call<UserProfile>('GET', '/v1/users/user010', { token: tenant.apiKey });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ userid: 'user010', unionId: 'union-user010', managerUserid: 'user001', active: true });
    expect((await upserts()).map((e) => e.data.users)).toEqual([[first.body]]);

    const again = await stack.call('GET', '/v1/users/user010', { token: tokenFor('user002') });
    expect(again.body).toEqual(first.body);
    expect(userGets()).toBe(1);

    stack.clock.offsetMs = 31_000;
    expect((await stack.call('GET', '/v1/users/user010', { token: tenant.apiKey })).body).toEqual(first.body);
    expect(userGets()).toBe(2);
    expect(await upserts()).toHaveLength(1);

    await simControl(stack.sim.url, 'PATCH', `/orgs/${DEMO.corpId}/users/user010`, { title: 'Staff Engineer' });
    stack.clock.offsetMs = 62_000;
    const changed = await stack.call<UserProfile>('GET', '/v1/users/user010', { token: tenant.apiKey });
    expect(changed.body.title).toBe('Staff Engineer');
    expect((await upserts()).map((e) => e.data.users[0]?.title)).toEqual([first.body.title, 'Staff Engineer']);
  });

  it('when looked up by unionId, then the same profile is returned', async () => {
    const res = await stack.call('GET', '/v1/users/by-union-id/union-user007', { token: tenant.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userid: 'user007', unionId: 'union-user007' });
    expect(res.body).toEqual((await stack.call('GET', '/v1/users/user007', { token: tenant.apiKey })).body);
  });

  it('when the person is not in the org, then 404 problem+json and no event', async () => {
    for (const path of ['/v1/users/nobody', `/v1/users/by-union-id/union-${DEMO.outsiderId}`, '/v1/users/by-union-id/union-nobody']) {
      const res = await stack.call('GET', path, { token: tenant.apiKey });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'not_found' });
    }
    expect(await stack.events(tenant)).toEqual([]);
  });

  it('when the API key was issued without directory:read, then 403 naming it; when DingTalk refuses, then a 502 problem', async () => {
    const issued = await stack.call<{ key: string }>('POST', `/admin/tenants/${tenant.id}/api-keys`, { body: { name: 'sender', scopes: ['messages:send'] } });
    const unscoped = await stack.call('GET', '/v1/users/user010', { token: issued.body.key });
    expect(unscoped.status).toBe(403);
    expect(unscoped.body).toMatchObject({ code: 'missing_permission', missingPermission: 'directory:read' });
    await simControl(stack.sim.url, 'POST', '/faults', { rules: [{ path: '/topapi/v2/user/get', kind: 'monthly-quota', times: 1 }] });
    const refused = await stack.call('GET', '/v1/users/user010', { token: tenant.apiKey });
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ code: 'upstream_error' });
  });
});

// `tenant check` against the simulator over HTTP: each setup problem a first deployment trips over is
// switched on in the simulator, and the report names it with its fix; the API lookups say the same.
import { DEMO } from '@dtg/dingtalk-sim';
import { startIdentityStack, type IdentityStack, type TestTenant } from './support/identity-stack';
import { simControl } from '@dtg/testkit';

interface Check {
  check: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}
interface Report {
  tenantId: string;
  ok: boolean;
  checks: Check[];
}

describe('tenant check', () => {
  // One tenant per corp: each test has its own cloud and simulator.
  let stack: IdentityStack;
  beforeEach(async () => {
    stack = await startIdentityStack();
  });
  afterEach(() => stack.close());
  const update = async (tenant: TestTenant, body: object) => expect((await stack.call('PATCH', `/admin/tenants/${tenant.id}`, { body })).status).toBe(200);

  const callbacks = { callbackToken: DEMO.app.callbackToken, callbackAesKey: DEMO.app.aesKey };
  const check = async (tenant: TestTenant) => (await stack.call<Report>('GET', `/admin/tenants/${tenant.id}/check`)).body;
  const byId = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.check, c]));
  const access = (body: object) => simControl(stack.sim.url, 'PUT', `/access/apps/${DEMO.app.appKey}`, body);

  it('passes every check for a correctly set-up internal app', async () => {
    const tenant = await stack.createTenant(callbacks);
    const report = await check(tenant);
    expect(report.checks.map((c) => [c.check, c.status])).toEqual([
      ['credentials', 'pass'],
      ['agent', 'pass'],
      ['departments', 'pass'],
      ['members', 'pass'],
      ['member_details', 'pass'],
      ['events', 'pass'],
    ]);
    expect(report.ok).toBe(true);
    expect(byId(report)['events']?.detail).toContain(`/callbacks/dingtalk?tenant=${tenant.id}`);
  });

  it('names a missing permission and where to grant it; the directory lookup answers 502 dingtalk_setup saying the same', async () => {
    const tenant = await stack.createTenant(callbacks);
    await access({ deniedPermissions: ['qyapi_get_member'] });
    const report = await check(tenant);
    expect(report.ok).toBe(false);
    expect(byId(report)['members']).toMatchObject({ status: 'fail', fix: expect.stringContaining('qyapi_get_member') });
    expect(byId(report)['departments']?.status).toBe('pass');

    const lookup = await stack.call<{ code: string; dingtalk: { problem: string; permissions: string[]; fix: string } }>(
      'GET',
      `/v1/users/${DEMO.adminUserid}`,
      { token: tenant.apiKey },
    );
    expect(lookup.status).toBe(502);
    expect(lookup.body).toMatchObject({ code: 'dingtalk_setup', dingtalk: { problem: 'missing_permission', permissions: ['qyapi_get_member'] } });
    expect(lookup.body.dingtalk.fix).toContain('权限管理');
  });

  it('an IP allow-list without the gateway: every probe says to add the egress address', async () => {
    const tenant = await stack.createTenant(callbacks);
    await access({ ipAllowlist: ['203.0.113.7'] });
    const report = byId(await check(tenant));
    for (const id of ['agent', 'departments', 'members', 'member_details']) {
      expect(report[id]).toMatchObject({ status: 'fail', detail: expect.stringContaining('ip_not_allowed'), fix: expect.stringContaining('allow-list') });
    }
  });

  it('a wrong secret fails the credentials and skips what needs a token; a wrong AgentId fails only the agent', async () => {
    const tenant = await stack.createTenant({ ...callbacks, appSecret: 'not-the-secret-0123456789' });
    const wrongSecret = byId(await check(tenant));
    expect(wrongSecret['credentials']).toMatchObject({ status: 'fail', fix: expect.stringContaining('Client Secret') });
    expect(['agent', 'departments', 'members', 'member_details'].map((id) => wrongSecret[id]?.status)).toEqual(['skip', 'skip', 'skip', 'skip']);

    await update(tenant, { appSecret: DEMO.app.appSecret, agentId: 999 });
    const wrongAgent = byId(await check(tenant));
    expect(wrongAgent['agent']).toMatchObject({ status: 'fail', fix: expect.stringContaining('AgentId') });
    expect(wrongAgent['departments']?.status).toBe('pass');
  });

  it('without callback keys, says where to configure event delivery; in Stream mode, probes a Stream connection', async () => {
    const tenant = await stack.createTenant();
    const http = byId(await check(tenant));
    expect(http['events']).toMatchObject({ status: 'fail', fix: expect.stringContaining('--callback-token') });
    await update(tenant, { callbackMode: 'stream' });
    const stream = byId(await check(tenant));
    expect(stream['events']).toMatchObject({ status: 'pass', detail: expect.stringContaining('Stream connections') });
  });

  it('an unknown tenant is a 404', async () => {
    expect((await stack.call('GET', '/admin/tenants/ten_nobody/check')).status).toBe(404);
  });
});

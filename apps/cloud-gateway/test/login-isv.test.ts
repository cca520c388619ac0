import { createHash } from 'node:crypto';
import type { EventEnvelope, LoginTicket } from '@dtg/contracts';
import { DEMO } from '@dtg/dingtalk-sim';
import { openWithTicket } from '@dtg/service-kit';
import { RETURN_TO, startIdentityStack, type IdentityStack } from './support/identity-stack';
import { beginLogin, consent, hop, signIn } from './support/login-browser';
import { simControl } from '@dtg/testkit';

const ISV_TENANT = { mode: 'isv', appKey: undefined, appSecret: undefined, agentId: DEMO.suite.agentId };

describe('sign in with DingTalk (third-party suite) and tenant isolation', () => {
  let stack: IdentityStack;

  beforeEach(async () => {
    stack = await startIdentityStack();
  });
  afterEach(() => stack.close());

  async function storeSuiteTicket() {
    const { ticket } = await simControl<{ ticket: string }>(stack.sim.url, 'GET', '/suite/ticket');
    await stack.cloud.services.dingtalk.tickets.save(DEMO.suite.suiteKey, ticket);
  }

  async function ticketOf(end: { status: number; location: string | null }): Promise<string> {
    expect(end.status).toBe(302);
    const ticket = new URL(end.location ?? '').searchParams.get('ticket');
    if (!ticket) throw new Error(`no ticket in ${end.location}`);
    return ticket;
  }

  it('when a member of an ISV tenant’s org signs in, then the suite’s identity and the corp token are used', async () => {
    const tenant = await stack.createTenant(ISV_TENANT);
    await storeSuiteTicket();
    const authorizeUrl = new URL(await beginLogin(stack, tenant.id, RETURN_TO));
    expect(authorizeUrl.searchParams.get('client_id')).toBe(DEMO.suite.suiteKey);
    expect(authorizeUrl.searchParams.get('scope')).toBe('openid corpid');
    expect(authorizeUrl.searchParams.get('corpId')).toBe(DEMO.corpId);

    const ticket = await ticketOf(await hop(stack, await consent(stack, authorizeUrl.toString(), { userid: 'user004', corpId: DEMO.corpId })));
    const [auth] = (await stack.events(tenant)) as EventEnvelope<'user.authenticated'>[];
    expect(auth?.type).toBe('user.authenticated');
    expect(auth?.data.login?.ticketHash).toBe(createHash('sha256').update(ticket).digest('hex'));
    expect(auth?.data.user).toMatchObject({ userid: 'user004', unionId: 'isvunion-user004', deptIds: [6] });
    // DingTalk never shows contact details to suites.
    expect(auth?.data.user.mobile).toBeUndefined();

    const log = stack.sim.sim.requestLog();
    const exchange = log.find((r) => r.path === '/v1.0/oauth2/userAccessToken');
    expect(exchange?.body).toMatchObject({ clientId: DEMO.suite.suiteKey, grantType: 'authorization_code' });
    expect(log.some((r) => r.path === '/v1.0/oauth2/corpAccessToken' && r.httpStatus === 200)).toBe(true);
    expect(log.find((r) => r.path === '/topapi/user/getbyunionid')?.clientKey).toBe(`${DEMO.suite.suiteKey}:${DEMO.corpId}`);
  });

  it('when no suite ticket has arrived yet, then the login ends at returnTo with error=dingtalk_unavailable', async () => {
    const tenant = await stack.createTenant(ISV_TENANT);
    const end = await signIn(stack, tenant.id, RETURN_TO, { userid: 'user004', corpId: DEMO.corpId });
    expect(end.location).toBe(`${RETURN_TO}&error=dingtalk_unavailable`);
    expect(await stack.cloud.services.db.loginTicket.count()).toBe(0);
  });

  it('when tenant A’s credentials reach for tenant B’s tickets, people or syncs, then they are refused', async () => {
    const a = await stack.createTenant();
    await simControl(stack.sim.url, 'POST', `/orgs/${DEMO.secondCorpId}/install-suite`, {});
    await storeSuiteTicket();
    const b = await stack.createTenant({ ...ISV_TENANT, name: 'Second Org', corpId: DEMO.secondCorpId, agentId: 300003 });

    const ticketA = await ticketOf(await signIn(stack, a.id, RETURN_TO, { userid: 'user002' }));
    const ticketB = await ticketOf(await signIn(stack, b.id, RETURN_TO, { userid: 'second006', corpId: DEMO.secondCorpId }));
    const tokenA = openWithTicket(
      ticketA,
      (await stack.call<LoginTicket>('GET', `/v1/login-tickets/${ticketA}`, { token: a.apiKey })).body.login.sealedCloudToken,
    );

    expect((await stack.call('GET', `/v1/login-tickets/${ticketB}`, { token: a.apiKey })).status).toBe(404);
    expect((await stack.call<LoginTicket>('GET', `/v1/login-tickets/${ticketB}`, { token: b.apiKey })).body.user.userid).toBe('second006');

    expect((await stack.call('GET', '/v1/users/second006', { token: tokenA })).status).toBe(404);
    expect((await stack.call('GET', '/v1/users/second006', { token: b.apiKey })).status).toBe(200);

    const syncB = await stack.call<{ id: string }>('POST', '/v1/directory/sync', { token: b.apiKey });
    expect(syncB.status).toBe(202);
    expect((await stack.call('GET', `/v1/directory/sync/${syncB.body.id}`, { token: tokenA })).status).toBe(404);
    expect((await stack.call('GET', `/v1/directory/sync/${syncB.body.id}`, { token: b.apiKey })).status).toBe(200);
    expect((await stack.events(a)).every((e) => e.tenantId === a.id)).toBe(true);
  });
});

import { CallbackCrypto, DEMO, demoFixture, signTimestamp } from '../src';
import { CallbackReceiver } from './callback-receiver';
import { useSimulator } from './sim-client';
import { waitFor } from '@dtg/testkit';

const sim = useSimulator();

const suiteBody = (ticket: string) => ({ suiteKey: DEMO.suite.suiteKey, suiteSecret: DEMO.suite.suiteSecret, suiteTicket: ticket });
/** A suite access token for the demo suite, on its initial ticket. */
const suiteAccessToken = async () =>
  (await sim().api<{ accessToken: string }>('POST', '/v1.0/oauth2/suiteAccessToken', undefined, suiteBody(DEMO.suite.initialTicket))).body.accessToken;
const appReceiver = new CallbackReceiver(new CallbackCrypto(DEMO.app.callbackToken, DEMO.app.aesKey, DEMO.corpId));
const suiteReceiver = new CallbackReceiver(new CallbackCrypto(DEMO.suite.callbackToken, DEMO.suite.aesKey, DEMO.suite.suiteKey));
let urls: { appUrl: string; suiteUrl: string };

beforeAll(async () => {
  urls = { appUrl: await appReceiver.start(), suiteUrl: await suiteReceiver.start() };
});
afterAll(async () => {
  await appReceiver.stop();
  await suiteReceiver.stop();
});
beforeEach(async () => {
  appReceiver.received.length = 0;
  suiteReceiver.received.length = 0;
  appReceiver.mode = 'ack';
  suiteReceiver.mode = 'ack';
  await sim().control('PUT', '/callbacks', urls);
});

function signedQuery(timestamp: number, ticket: string, secret: string = DEMO.suite.suiteSecret): string {
  const signature = encodeURIComponent(signTimestamp(secret, String(timestamp), ticket));
  return `accessKey=${DEMO.suite.suiteKey}&timestamp=${timestamp}&suiteTicket=${encodeURIComponent(ticket)}&signature=${signature}`;
}

describe('suite tickets and ISV tokens', () => {
  it('signs get_corp_token per §1.2: our signature matches the reference vector', () => {
    expect(signTimestamp('testSecret', '1527130370219', 'TestSuiteTicket')).toBe('imGrOGPFN53hUU5AdhPRS0tZAU0kXzcP9k/oH0WmURo=');
    expect(signTimestamp('testSecret', '1527130370219')).toBe('K4OWLNOmlNq/PlSplkUEaqmYPopg3S8v9Rg7X4eNGYM=');
  });

  it('signed get_corp_token: valid → token; stale ticket, bad signature, skewed clock, unknown key and uninstalled org fail', async () => {
    const now = sim().running.sim.clock.now();
    const ticket = DEMO.suite.initialTicket;
    const call = (query: string, corpId: string = DEMO.corpId) => sim().request('POST', `/service/get_corp_token?${query}`, { body: { auth_corpid: corpId } });
    const ok = await call(signedQuery(now, ticket));
    expect(ok.body).toMatchObject({ errcode: 0, access_token: expect.any(String), expires_in: 7200 });
    expect((await call(signedQuery(now, ticket, 'wrong-secret'))).body['errcode']).toBe(853004);
    expect((await call(signedQuery(now - 61_000, ticket))).body['errcode']).toBe(853002);
    expect((await call(signedQuery(now, ticket).replace(DEMO.suite.suiteKey, 'nosuchsuite'))).body['errcode']).toBe(853003);
    expect((await call(signedQuery(now, ticket), DEMO.secondCorpId)).body['errcode']).toBe(40079);
    await sim().control('POST', '/suite/ticket', { ticket: 'demo-suite-ticket-2' });
    expect((await call(signedQuery(now, ticket))).body['errcode']).toBe(40085);
    expect((await call(signedQuery(now, 'demo-suite-ticket-2'))).body['errcode']).toBe(0);
  });

  it('rotating the ticket pushes suite_ticket and only the newest ticket is valid on both hosts', async () => {
    const rotated = await sim().control<{ ticket: string; push: { acknowledged: boolean } }>('POST', '/suite/ticket', {});
    expect(rotated.body.push.acknowledged).toBe(true);
    expect(suiteReceiver.events('suite_ticket')).toEqual([
      { EventType: 'suite_ticket', SuiteKey: DEMO.suite.suiteKey, SuiteTicket: rotated.body.ticket, TimeStamp: expect.any(String) },
    ]);
    const stale = await sim().api('POST', '/v1.0/oauth2/suiteAccessToken', undefined, suiteBody(DEMO.suite.initialTicket));
    expect([stale.status, stale.body['code']]).toEqual([400, 'invalidSuiteTicket']);
    expect((await sim().api('POST', '/v1.0/oauth2/suiteAccessToken', undefined, suiteBody(rotated.body.ticket))).status).toBe(200);
    const old = await sim().request('POST', '/service/get_suite_token', {
      body: { suite_key: DEMO.suite.suiteKey, suite_secret: DEMO.suite.suiteSecret, suite_ticket: rotated.body.ticket },
    });
    expect(old.body).toMatchObject({ errcode: 0, suite_access_token: expect.any(String), expires_in: 7200 });
  });

  it('rotates the ticket on its own every 5 h of sim time while a suite URL is set', async () => {
    sim().running.sim.clock.advance(5 * 3600_000);
    await waitFor(() => suiteReceiver.events('suite_ticket').length === 1, 'the rotated ticket pushed');
    const pushed = suiteReceiver.events('suite_ticket')[0]?.['SuiteTicket'];
    expect(pushed).toBe(sim().running.sim.currentSuiteTicket());
    expect(pushed).not.toBe(DEMO.suite.initialTicket);
  });

  it('custom apps (customApp: true) accept any suite ticket', async () => {
    const fixture = demoFixture();
    const sim2 = sim().running.sim;
    sim2.loadFixture({ ...fixture, suites: fixture.suites.map((s) => ({ ...s, customApp: true })) });
    const r = await sim().api('POST', '/v1.0/oauth2/suiteAccessToken', undefined, suiteBody('test'));
    expect(r.status).toBe(200);
    sim2.loadFixture(fixture);
  });

  it('corp tokens are new on every call and the earlier ones stay valid until their own expiry', async () => {
    const a = await sim().corpToken();
    const b = await sim().corpToken();
    expect(a).not.toBe(b);
    for (const token of [a, b]) expect((await sim().oapi('/topapi/v2/user/get', token, { userid: 'user002' })).body['errcode']).toBe(0);
    sim().running.sim.clock.advance(7200_000);
    expect((await sim().oapi('/topapi/v2/user/get', a, { userid: 'user002' })).body['errcode']).toBe(42001);
  });

  it('corpAccessToken for an org that never installed → invalidAuthInfo; unknown suiteKey → invalidSuiteKey', async () => {
    const body = { suiteKey: DEMO.suite.suiteKey, suiteSecret: DEMO.suite.suiteSecret, authCorpId: DEMO.secondCorpId, suiteTicket: DEMO.suite.initialTicket };
    const r = await sim().api('POST', '/v1.0/oauth2/corpAccessToken', undefined, body);
    expect([r.status, r.body['code']]).toEqual([400, 'invalidAuthInfo']);
    const k = await sim().api('POST', '/v1.0/oauth2/corpAccessToken', undefined, { ...body, suiteKey: 'nosuchsuite' });
    expect([k.status, k.body['code']]).toEqual([400, 'invalidSuiteKey']);
  });

  it('install-suite assigns an agentId, pushes tmp_auth_code and org_suite_auth; the legacy permanent-code flow works once', async () => {
    const installed = await sim().control<{ agentId: number; tmpAuthCode: string }>('POST', `/orgs/${DEMO.secondCorpId}/install-suite`, {});
    expect(installed.body.agentId).toBe(300003);
    const [tmp] = suiteReceiver.events('tmp_auth_code');
    expect(tmp).toMatchObject({ SuiteKey: DEMO.suite.suiteKey, AuthCorpId: DEMO.secondCorpId, AuthCode: installed.body.tmpAuthCode });
    const [sync] = suiteReceiver.events('SYNC_HTTP_PUSH_HIGH') as Array<{ bizData: Array<{ biz_type: number; biz_data: string }> }>;
    expect(sync?.bizData[0]?.biz_type).toBe(4);
    expect(JSON.parse(sync?.bizData[0]?.biz_data ?? '{}')).toMatchObject({
      syncAction: 'org_suite_auth',
      auth_corp_info: { corpid: DEMO.secondCorpId },
      auth_info: { agent: [{ agentid: 300003 }] },
    });

    const suiteToken = await suiteAccessToken();
    const perm = await sim().request('POST', `/service/get_permanent_code?suite_access_token=${suiteToken}`, {
      body: { tmp_auth_code: installed.body.tmpAuthCode },
    });
    expect(perm.body).toMatchObject({
      errcode: 0,
      permanent_code: expect.any(String),
      auth_corp_info: { corpid: DEMO.secondCorpId, corp_name: DEMO.secondCorpName },
    });
    const reused = await sim().request('POST', `/service/get_permanent_code?suite_access_token=${suiteToken}`, {
      body: { tmp_auth_code: installed.body.tmpAuthCode },
    });
    expect(reused.body['errcode']).toBe(40078);
    const activate = await sim().request('POST', `/service/activate_suite?suite_access_token=${suiteToken}`, {
      body: { suite_key: DEMO.suite.suiteKey, auth_corpid: DEMO.secondCorpId, permanent_code: perm.body['permanent_code'] },
    });
    expect(activate.body['errcode']).toBe(0);

    const info = await sim().api('GET', `/v1.0/oauth2/apps/authInfo?authCorpId=${DEMO.secondCorpId}`, suiteToken);
    expect(info.body).toMatchObject({
      authCorpInfo: { corpName: DEMO.secondCorpName },
      authAppInfo: { agentList: [{ agentId: 300003, appId: DEMO.suite.suiteId }] },
    });
    const now = sim().running.sim.clock.now();
    const oldInfo = await sim().request('POST', `/service/get_auth_info?${signedQuery(now, DEMO.suite.initialTicket)}`, {
      body: { auth_corpid: DEMO.secondCorpId },
    });
    expect(oldInfo.body).toMatchObject({ errcode: 0, auth_info: { agent: [{ agentid: 300003 }] }, auth_corp_info: { corpid: DEMO.secondCorpId } });
  });

  it('authInfo: missing corp → invalidCorpId, unknown org → orgNotExist, not installed → orgNotAuthApp, expired suite token → InvalidAuthentication', async () => {
    const suiteToken = await suiteAccessToken();
    expect((await sim().api('GET', '/v1.0/oauth2/apps/authInfo', suiteToken)).body['code']).toBe('invalidCorpId');
    expect((await sim().api('GET', '/v1.0/oauth2/apps/authInfo?authCorpId=dingnothing', suiteToken)).body['code']).toBe('orgNotExist');
    expect((await sim().api('GET', `/v1.0/oauth2/apps/authInfo?authCorpId=${DEMO.secondCorpId}`, suiteToken)).body['code']).toBe('orgNotAuthApp');
    sim().running.sim.clock.advance(7200_000);
    const expired = await sim().api('GET', `/v1.0/oauth2/apps/authInfo?authCorpId=${DEMO.corpId}`, suiteToken);
    expect([expired.status, expired.body['code']]).toEqual([400, 'InvalidAuthentication']);
  });
});

describe('callback pushes', () => {
  it('pushes an encrypted, signed event to the app (owner key corpId) and reports the acknowledgement', async () => {
    const r = await sim().control('POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } });
    expect(r.body).toMatchObject({ httpStatus: 200, acknowledged: true });
    const [received] = appReceiver.received;
    expect(received?.event).toEqual({ EventType: 'check_url' });
    expect(received?.query).toEqual({
      signature: expect.stringMatching(/^[0-9a-f]{40}$/),
      timestamp: expect.stringMatching(/^\d{13}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
    });
  });

  it('accepts a reply spelling the timestamp "timestamp"; a non-encrypted or non-200 reply is not an acknowledgement', async () => {
    appReceiver.mode = 'ack-lowercase-timestamp';
    expect((await sim().control('POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } })).body['acknowledged']).toBe(true);
    appReceiver.mode = 'plain-ok';
    expect((await sim().control('POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } })).body).toMatchObject({
      httpStatus: 200,
      acknowledged: false,
      reply: { ok: true },
    });
    appReceiver.mode = 'http-500';
    expect((await sim().control('POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } })).body).toMatchObject({
      httpStatus: 500,
      acknowledged: false,
    });
  });

  it('retries an unacknowledged push after 10 s and 30 s of sim time, then keeps it for get_call_back_failed_result', async () => {
    appReceiver.mode = 'plain-ok';
    await sim().control('POST', '/callbacks/push', { target: 'app', event: { EventType: 'user_add_org', UserId: ['user002'], CorpId: DEMO.corpId } });
    expect(appReceiver.received).toHaveLength(1);
    sim().running.sim.clock.advance(9_000);
    await sim().running.sim.world.callbacks.idle();
    expect(appReceiver.received).toHaveLength(1);
    sim().running.sim.clock.advance(1_000);
    await waitFor(() => appReceiver.received.length === 2, 'the second push');
    sim().running.sim.clock.advance(20_000);
    await waitFor(() => appReceiver.received.length === 3, 'the third push');
    const failed = await sim().oapi('/call_back/get_call_back_failed_result', await sim().appToken());
    expect(failed.body).toMatchObject({
      errcode: 0,
      has_more: false,
      failed_list: [{ call_back_tag: 'user_add_org', event_time: expect.any(Number), user_add_org: { UserId: ['user002'] } }],
    });
    expect((await sim().oapi('/call_back/get_call_back_failed_result', await sim().appToken())).body['failed_list']).toEqual([]);
  });

  it('a retried push that is then acknowledged stops retrying', async () => {
    appReceiver.mode = 'http-500';
    await sim().control('POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } });
    appReceiver.mode = 'ack';
    sim().running.sim.clock.advance(10_000);
    await waitFor(() => appReceiver.received.length === 2, 'the second push');
    sim().running.sim.clock.advance(30_000);
    await sim().running.sim.world.callbacks.idle();
    expect(appReceiver.received).toHaveLength(2);
    const deliveries = (await sim().control<{ deliveries: Array<{ state: string }> }>('GET', '/callbacks')).body.deliveries;
    expect(deliveries.map((d) => d.state)).toEqual(['acknowledged']);
  });

  it('org mutations with ?notify=1 push contact events to the app and to every suite installed in the org', async () => {
    const r = await sim().control<{ pushes: Array<{ target: string; acknowledged: boolean }> }>('POST', `/orgs/${DEMO.corpId}/users?notify=1`, {
      userid: 'hire01',
      name: 'Gao Jie',
      deptIds: [2],
    });
    expect(r.body.pushes.map((p) => [p.target, p.acknowledged]).sort()).toEqual([
      ['app', true],
      ['suite', true],
    ]);
    expect(appReceiver.events('user_add_org')).toEqual([{ EventType: 'user_add_org', UserId: ['hire01'], CorpId: DEMO.corpId, TimeStamp: expect.any(String) }]);
    expect(suiteReceiver.events('user_add_org')).toHaveLength(1);
    await sim().control('PATCH', `/orgs/${DEMO.corpId}/departments/6?notify=1`, { name: 'Mobile Apps' });
    expect(appReceiver.events('org_dept_modify')).toEqual([expect.objectContaining({ DeptId: [6] })]);
    await sim().control('DELETE', `/orgs/${DEMO.corpId}/users/hire01?notify=1`);
    expect(appReceiver.events('user_leave_org')).toHaveLength(1);
    await sim().control('PATCH', `/orgs/${DEMO.corpId}/users/user003`);
    expect(appReceiver.events('user_modify_org')).toHaveLength(0);
  });

  it('without a configured URL a push is a 409, not a silent no-op', async () => {
    await sim().control('PUT', '/callbacks', { appUrl: null });
    expect((await sim().control('POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } })).status).toBe(409);
  });
});

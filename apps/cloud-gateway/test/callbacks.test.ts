import { DingTalkCallbackCrypto } from '@dtg/dingtalk-client';
import { DEMO, startSimulator, type RunningSim } from '@dtg/dingtalk-sim';
import { mintUserToken } from '../src/features/auth/user-tokens';
import { ADMIN_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';
import { adminCall, callbackFootprint, createDemoTenant, pullEvents, warmUp, type PushOutcome } from './support/dingtalk-callbacks';
import { postCallback, signPush, simControl, waitFor, type CallbackKeys } from '@dtg/testkit';

const appKeys: CallbackKeys = { token: DEMO.app.callbackToken, aesKey: DEMO.app.aesKey, ownerKey: DEMO.corpId };

describe('DingTalk callbacks of an internal app', () => {
  let sim: RunningSim;
  let h: CloudHarness;
  let tenantId: string;
  let apiKey: string;
  let callbackUrl: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  beforeEach(async () => {
    await simControl(sim.url, 'POST', '/reset');
    h = await startCloud({ env: { DINGTALK_LOGIN_URL: sim.url, DINGTALK_API_URL: sim.url, DINGTALK_OAPI_URL: sim.url } });
    ({ id: tenantId, apiKey } = await createDemoTenant(h, { callbackToken: DEMO.app.callbackToken, callbackAesKey: DEMO.app.aesKey }));
    callbackUrl = `${h.url}/callbacks/dingtalk?tenant=${tenantId}`;
    await warmUp(callbackUrl, appKeys);
    await simControl(sim.url, 'PUT', '/callbacks', { appUrl: callbackUrl, suiteUrl: null });
  });
  afterEach(async () => {
    await h.close();
  });

  const processed = (n: number) =>
    waitFor(async () => (await h.services.db.callbackEvent.count({ where: { status: { not: 'received' } } })) >= n, `${n} processed callback events`);

  it('when DingTalk checks the URL, then the encrypted success verifies and nothing is stored', async () => {
    const push = await simControl<PushOutcome>(sim.url, 'POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } });
    expect(push).toMatchObject({ httpStatus: 200, acknowledged: true });
    expect(await callbackFootprint(h)).toEqual({ events: 0, jobs: 0, outbox: 0 });
    const openapi = (await (await fetch(`${h.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/callbacks/dingtalk', '/callbacks/dingtalk/suite']));
  });

  it('when a user changes in the org, then the current record reaches the tenant as user.upserted, and a leaver as user.removed whose user tokens stop working', async () => {
    const tokenOf = (userid: string) => mintUserToken(h.services.config.USER_TOKEN_SECRET, { tenantId, userid, role: 'member' }, 60_000).token;
    const [leaver, stayer] = [tokenOf('user008'), tokenOf('user007')];
    const works = async (token: string) => (await fetch(`${h.url}/v1/messages/msg_none`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect([await works(leaver), await works(stayer)]).toEqual([404, 404]);
    const patched = await simControl<{ pushes: PushOutcome[] }>(sim.url, 'PATCH', `/orgs/${DEMO.corpId}/users/user007?notify=1`, { title: 'Chief Tester' });
    expect(patched.pushes).toEqual([expect.objectContaining({ acknowledged: true })]);
    await processed(1);
    const removed = await simControl<{ pushes: PushOutcome[] }>(sim.url, 'DELETE', `/orgs/${DEMO.corpId}/users/user008?notify=1`);
    expect(removed.pushes[0]?.acknowledged).toBe(true);
    await processed(2);

    const events = await pullEvents(h, apiKey);
    expect(events.map((e) => e.type)).toEqual(['user.upserted', 'user.removed']);
    expect(events[0]?.data).toEqual({ users: [expect.objectContaining({ userid: 'user007', title: 'Chief Tester', unionId: expect.any(String) })] });
    expect(events[1]?.data).toEqual({ userids: ['user008'] });
    // Revoked in the transaction that emitted user.removed: the leaver's token is refused, the others' are not.
    expect([await works(leaver), await works(stayer)]).toEqual([401, 404]);
  });

  it('when departments are created and removed, then department.upserted and department.removed follow', async () => {
    const created = await simControl<{ value: { deptId: number } }>(sim.url, 'POST', `/orgs/${DEMO.corpId}/departments?notify=1`, { name: 'QA', parentId: 2 });
    await processed(1);
    await simControl(sim.url, 'DELETE', `/orgs/${DEMO.corpId}/departments/${created.value.deptId}?notify=1`);
    await processed(2);
    const events = await pullEvents(h, apiKey);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['department.upserted', { departments: [{ deptId: created.value.deptId, name: 'QA', parentId: 2 }] }],
      ['department.removed', { deptIds: [created.value.deptId] }],
    ]);
  });

  it('when the cached token was revoked, then the department read refreshes it once (through the DingTalk client) and the change still arrives', async () => {
    const token = await (await h.services.dingtalk.forTenant(await h.services.tenants.get(tenantId))).accessToken();
    expect(await simControl(sim.url, 'POST', '/tokens/revoke', { token })).toEqual({ revoked: true });
    await simControl(sim.url, 'DELETE', '/requests');
    await simControl(sim.url, 'PATCH', `/orgs/${DEMO.corpId}/departments/5?notify=1`, { name: 'Platform & Tools' });
    await processed(1);
    const events = await pullEvents(h, apiKey);
    expect(events.map((e) => [e.type, e.data])).toEqual([['department.upserted', { departments: [{ deptId: 5, name: 'Platform & Tools', parentId: 2 }] }]]);
    const calls = (await simControl<Array<{ path: string; errcode?: number }>>(sim.url, 'GET', '/requests'))
      .filter((r) => r.path !== '/callbacks')
      .map((r) => [r.path, r.errcode ?? 0]);
    expect(calls).toEqual([
      ['/topapi/v2/department/get', 88],
      ['/v1.0/oauth2/accessToken', 0],
      ['/topapi/v2/department/get', 0],
    ]);
  });

  it('when the same event is delivered three times, then it is stored, queued and processed once', async () => {
    const event = { EventType: 'user_modify_org', UserId: ['user010'], CorpId: DEMO.corpId, TimeStamp: String(Date.now()) };
    for (let i = 0; i < 3; i += 1) {
      const push = await simControl<PushOutcome>(sim.url, 'POST', '/callbacks/push', { target: 'app', event });
      expect(push.acknowledged).toBe(true);
    }
    await processed(1);
    // Every job due has run (a duplicate's job included, had one been queued) before the footprint is read.
    await h.services.jobs.drain();
    expect(await callbackFootprint(h)).toEqual({ events: 1, jobs: 1, outbox: 1 });
    expect((await pullEvents(h, apiKey)).map((e) => e.type)).toEqual(['user.upserted']);
  });

  it('when a push is tampered with, stale, replayed, for another key or garbage, then it is refused and nothing is processed', async () => {
    const event = { EventType: 'user_add_org', UserId: ['user011'], CorpId: DEMO.corpId, TimeStamp: String(Date.now()) };
    const good = signPush(appKeys, event);

    const tampered = await postCallback(callbackUrl, { ...good, signature: good.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) });
    expect(tampered).toMatchObject({ status: 401, contentType: expect.stringContaining('application/problem+json') });
    expect(tampered.body.detail).toMatch(/signature/);

    const otherKey = signPush({ ...appKeys, aesKey: 'Z'.repeat(43) }, event);
    expect((await postCallback(callbackUrl, otherKey)).status).toBe(401);
    const otherOwner = signPush({ ...appKeys, ownerKey: 'dingsomeothercorp' }, event);
    expect((await postCallback(callbackUrl, otherOwner)).status).toBe(401);

    const stale = signPush(appKeys, event, { timestamp: String(Date.now() - 6 * 60_000) });
    const staleAnswer = await postCallback(callbackUrl, stale);
    expect(staleAnswer.status).toBe(401);
    expect(staleAnswer.body.detail).toMatch(/timestamp/);

    for (const rawBody of ['{not json', JSON.stringify({ hello: 'world' }), JSON.stringify({ encrypt: '***' })]) {
      expect((await postCallback(callbackUrl, good, { rawBody })).status).toBe(400);
    }
    const notAnEvent = signPush(appKeys, { no: 'EventType' });
    expect((await postCallback(callbackUrl, notAnEvent)).status).toBe(400);
    expect((await postCallback(`${h.url}/callbacks/dingtalk?tenant=ten_unknown`, good)).status).toBe(404);
    expect((await postCallback(`${h.url}/callbacks/dingtalk/suite`, good)).status).toBe(404);
    expect(await callbackFootprint(h)).toEqual({ events: 0, jobs: 0, outbox: 0 });

    expect((await postCallback(callbackUrl, good)).status).toBe(200);
    await processed(1);
    const after = await callbackFootprint(h);
    const replay = await postCallback(callbackUrl, good);
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toMatch(/already received/);
    expect(await callbackFootprint(h)).toEqual(after);
  });

  it('when the timestamp is in seconds and the parameters use the msg_signature/timeStamp spelling, then it is accepted', async () => {
    const push = signPush(appKeys, { EventType: 'check_url' }, { timestamp: String(Math.floor(Date.now() / 1000)) });
    const answer = await postCallback(callbackUrl, push, { spelling: 'msg_signature' });
    expect(answer.status).toBe(200);
    const reply = answer.body as { msg_signature: string; timeStamp: string; nonce: string; encrypt: string };
    const crypto = new DingTalkCallbackCrypto(appKeys.token, appKeys.aesKey, appKeys.ownerKey);
    expect(crypto.decryptRequest({ signature: reply.msg_signature, timestamp: reply.timeStamp, nonce: reply.nonce, encrypt: reply.encrypt })).toBe('success');
  });

  it('when the app subscribes with its AppKey as owner key, then that push is accepted too and answered for the AppKey', async () => {
    await simControl(sim.url, 'PATCH', '/config', { appCallbackOwnerKey: 'appKey' });
    const push = await simControl<PushOutcome>(sim.url, 'POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } });
    expect(push.acknowledged).toBe(true);
  });

  it('when callback settings are given with a bad key or only half of them, then the tenant is refused', async () => {
    const bad = await adminCall(h, ADMIN_TOKEN, 'PATCH', `/admin/tenants/${tenantId}`, { callbackToken: 'abc', callbackAesKey: 'short' });
    expect(bad.status).toBe(400);
    const half = await adminCall(h, ADMIN_TOKEN, 'PATCH', `/admin/tenants/${tenantId}`, { callbackToken: 'abcdef' });
    expect(half.status).toBe(400);
    const cleared = await adminCall(h, ADMIN_TOKEN, 'PATCH', `/admin/tenants/${tenantId}`, { callbackToken: null, callbackAesKey: null });
    expect(cleared.status).toBe(200);
    const answer = await postCallback(callbackUrl, signPush(appKeys, { EventType: 'check_url' }));
    expect(answer.status).toBe(404);
    const row = await h.services.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(row).toMatchObject({ callbackToken: null, callbackAesKeyEnc: null });
  });
});

describe('the reference test vector A (dingtalk-api.md §6.5)', () => {
  const vector = {
    token: '123456',
    aesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
    ownerKey: 'suite4xxxxxxxxxxxxxxx',
    timestamp: '1445827045067',
    nonce: 'nEXhMP4r',
    signature: '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
    encrypt:
      '1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==',
  };

  // Its owner key is the placeholder DingTalk uses while a suite is created: accepted both as the
  // configured SuiteKey and (for check_create_suite_url only) next to a real SuiteKey.
  it.each([vector.ownerKey, DEMO.suite.suiteKey])(
    'when the suite endpoint (SUITE_KEY %s) receives it, then it replies an encrypted success',
    async (suiteKey) => {
      const h = await startCloud({
        env: { SUITE_KEY: suiteKey, SUITE_SECRET: 'vector-suite-secret', SUITE_CALLBACK_TOKEN: vector.token, SUITE_CALLBACK_AES_KEY: vector.aesKey },
        overrides: { now: () => Number(vector.timestamp) + 1_000 },
      });
      try {
        const answer = await postCallback(`${h.url}/callbacks/dingtalk/suite`, vector);
        expect(answer.status).toBe(200);
        const reply = answer.body as { msg_signature: string; timeStamp: string; nonce: string; encrypt: string };
        const crypto = new DingTalkCallbackCrypto(vector.token, vector.aesKey, vector.ownerKey);
        expect(crypto.decryptRequest({ signature: reply.msg_signature, timestamp: reply.timeStamp, nonce: reply.nonce, encrypt: reply.encrypt })).toBe(
          'success',
        );
        expect(await h.services.db.callbackEvent.count()).toBe(0);
      } finally {
        await h.close();
      }
    },
  );
});

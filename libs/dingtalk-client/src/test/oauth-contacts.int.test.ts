import type { DingTalkClient } from '../index';
import { DEMO, eachSimClient, internalApp, isvInstall, type SimHarness } from './sim-harness';
import { apiRejection as rejection } from './rejections';

let sim: SimHarness;
let client: DingTalkClient;
eachSimClient((s, c) => ([sim, client] = [s, c]));

const REDIRECT = 'http://127.0.0.1:9/callback';
const appLogin = { clientId: DEMO.app.appKey, clientSecret: DEMO.app.appSecret };

/** Opens the authorize URL on the simulator's login page, then consents as `userid` like a browser would. */
async function logIn(authorizeUrl: string, userid: string, extra: Record<string, string> = {}): Promise<URL> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const query = new URL(authorizeUrl).searchParams;
  const form = new URLSearchParams({
    client_id: query.get('client_id') ?? '',
    redirect_uri: query.get('redirect_uri') ?? '',
    scope: query.get('scope') ?? '',
    state: query.get('state') ?? '',
    decision: 'allow',
    userid,
    ...extra,
  });
  const consent = await fetch(`${sim.url}/oauth2/consent`, { method: 'POST', body: form, redirect: 'manual' });
  expect(consent.status).toBe(302);
  return new URL(consent.headers.get('location') ?? '');
}

describe('OAuth login against the simulator', () => {
  it('authorizeUrl builds the documented query', () => {
    const url = new URL(client.authorizeUrl({ clientId: 'app key', redirectUri: REDIRECT, state: 's/1', scope: 'openid corpid', corpId: 'dingx' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${sim.url}/oauth2/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      redirect_uri: REDIRECT,
      response_type: 'code',
      client_id: 'app key',
      scope: 'openid corpid',
      state: 's/1',
      prompt: 'consent',
      corpId: 'dingx',
    });
    expect(url.search).toContain('scope=openid%20corpid');
    expect(() => client.authorizeUrl({ clientId: 'k', redirectUri: REDIRECT, state: 's', corpId: 'dingx' })).toThrow(RangeError);
  });

  it('when a member logs in, then code → user token → /users/me → getbyunionid → v2/user/get resolves the member', async () => {
    const back = await logIn(client.authorizeUrl({ clientId: DEMO.app.appKey, redirectUri: REDIRECT, state: 'xyz' }), 'user007');
    expect(back.searchParams.get('state')).toBe('xyz');
    const code = back.searchParams.get('authCode') ?? '';
    const userToken = await client.oauth.exchangeCode({ ...appLogin, code });
    expect(userToken.expireIn).toBe(7200);
    const me = await client.oauth.currentUser(userToken.accessToken, DEMO.app.appKey);
    expect(me.unionId).toBe('union-user007');
    const org = client.forOrg(internalApp);
    const { userid } = await org.contacts.getUserIdByUnionId(me.unionId);
    expect(userid).toBe('user007');
    expect((await org.contacts.getUser(userid)).unionid).toBe(me.unionId);
  });

  it('when the code is used twice, then the second exchange fails as invalid-code and is not retried', async () => {
    const back = await logIn(client.authorizeUrl({ clientId: DEMO.app.appKey, redirectUri: REDIRECT, state: 's' }), 'user008');
    const code = back.searchParams.get('code') ?? '';
    await client.oauth.exchangeCode({ ...appLogin, code });
    expect(await rejection(client.oauth.exchangeCode({ ...appLogin, code }))).toMatchObject({ kind: 'fail-invalid-code', code: 'invalidCode' });
    expect(await sim.requests('/v1.0/oauth2/userAccessToken')).toHaveLength(2);
  });

  it('when the refresh token is exchanged, then a working user token comes back', async () => {
    const back = await logIn(client.authorizeUrl({ clientId: DEMO.app.appKey, redirectUri: REDIRECT, state: 's' }), 'user009');
    const first = await client.oauth.exchangeCode({ ...appLogin, code: back.searchParams.get('code') ?? '' });
    const second = await client.oauth.refreshUserToken({ ...appLogin, refreshToken: first.refreshToken });
    expect((await client.oauth.currentUser(second.accessToken, DEMO.app.appKey)).unionId).toBe('union-user009');
  });

  it('when the user token is wrong, then /users/me fails with refresh-token kind and is not refreshed (caller-owned token)', async () => {
    expect(await rejection(client.oauth.currentUser('not-a-token', DEMO.app.appKey))).toMatchObject({ code: 'InvalidAuthentication', kind: 'refresh-token' });
    expect(await sim.requests('/v1.0/contact/users/me')).toHaveLength(1);
  });

  it('when scope is "openid corpid", then the token carries the chosen corpId', async () => {
    const url = client.authorizeUrl({ clientId: DEMO.app.appKey, redirectUri: REDIRECT, state: 's', scope: 'openid corpid', corpId: DEMO.corpId });
    const back = await logIn(url, 'user010', { corpId: DEMO.corpId });
    expect((await client.oauth.exchangeCode({ ...appLogin, code: back.searchParams.get('code') ?? '' })).corpId).toBe(DEMO.corpId);
  });

  it('when someone outside the org logs in, then getbyunionid answers not-found (60121)', async () => {
    const back = await logIn(client.authorizeUrl({ clientId: DEMO.app.appKey, redirectUri: REDIRECT, state: 's' }), DEMO.outsiderId);
    const token = await client.oauth.exchangeCode({ ...appLogin, code: back.searchParams.get('code') ?? '' });
    const me = await client.oauth.currentUser(token.accessToken, DEMO.app.appKey);
    const err = await rejection(client.forOrg(internalApp).contacts.getUserIdByUnionId(me.unionId));
    expect(err).toMatchObject({ errcode: 60121, kind: 'not-found', outcome: 'rejected' });
  });

  it("when logging in through the suite, then unionIds are the suite developer's and mobile is masked", async () => {
    const suiteLogin = { clientId: DEMO.suite.suiteKey, clientSecret: DEMO.suite.suiteSecret };
    const back = await logIn(client.authorizeUrl({ clientId: DEMO.suite.suiteKey, redirectUri: REDIRECT, state: 's' }), 'user011');
    const token = await client.oauth.exchangeCode({ ...suiteLogin, code: back.searchParams.get('code') ?? '' });
    const me = await client.oauth.currentUser(token.accessToken, DEMO.suite.suiteKey);
    expect(me.unionId).toBe('isvunion-user011');
    expect(me.mobile).toMatch(/\*{4}/);
    expect((await client.forOrg(isvInstall).contacts.getUserIdByUnionId(me.unionId)).userid).toBe('user011');
  });
});

describe('directory reads against the simulator', () => {
  it('walks departments one level per call', async () => {
    const contacts = client.forOrg(internalApp).contacts;
    const roots = await contacts.listSubDepartments();
    expect(roots.map((d) => [d.dept_id, d.name, d.parent_id])).toEqual([
      [2, 'Engineering', 1],
      [3, 'Sales', 1],
      [4, 'Operations', 1],
    ]);
    expect(await contacts.listSubDepartmentIds(2)).toEqual([5, 6]);
    expect(await contacts.listSubDepartmentIds(8)).toEqual([]);
  });

  it('getDepartment reads one department through the throttled, token-refreshing caller; an unknown id is not-found', async () => {
    const contacts = client.forOrg(internalApp).contacts;
    const dept = await contacts.getDepartment(5);
    expect(dept).toMatchObject({ dept_id: 5, name: 'Platform', parent_id: 2, member_count: expect.any(Number), owning_member_count: expect.any(Number) });
    await expect(contacts.getDepartment(999)).rejects.toMatchObject({ kind: 'not-found', errcode: 60003, path: '/topapi/v2/department/get' });
  });

  it('pages through a department with cursors and the iterator yields every direct member once', async () => {
    const contacts = client.forOrg(internalApp).contacts;
    const ids = await contacts.listUserIds(2);
    expect(ids.length).toBeGreaterThan(10);
    const first = await contacts.listUsers({ deptId: 2, cursor: 0, size: 7 });
    expect(first.list).toHaveLength(7);
    expect(first.has_more).toBe(true);
    const all: string[] = [];
    for await (const user of contacts.iterateUsers({ deptId: 2, size: 7 })) all.push(user.userid);
    expect(all.sort()).toEqual([...ids].sort());
    expect(await sim.requests('/topapi/v2/user/list')).toHaveLength(1 + Math.ceil(ids.length / 7));
  });

  it('returns full details to the internal app and hides private fields from the ISV app', async () => {
    const internal = await client.forOrg(internalApp).contacts.getUser('user001');
    expect(internal).toMatchObject({ userid: 'user001', admin: true, mobile: expect.any(String), email: expect.any(String) });
    const isv = await client.forOrg(isvInstall).contacts.getUser('user001');
    expect(isv.userid).toBe('user001');
    expect(isv.unionid).toBe('isvunion-user001');
    for (const hidden of ['mobile', 'email', 'state_code', 'hired_date'] as const) expect(isv[hidden]).toBeUndefined();
  });

  it('maps unknown users and departments to not-found', async () => {
    const contacts = client.forOrg(internalApp).contacts;
    expect((await rejection(contacts.getUser('nobody'))).kind).toBe('not-found');
    expect((await rejection(contacts.listUserIds(999))).kind).toBe('not-found');
  });
});

import { DEMO } from '../src';
import { API_REQUEST_ID, OAPI_REQUEST_ID, useSimulator } from './sim-client';

const sim = useSimulator();

describe('old host error model', () => {
  it('when the token is wrong, then HTTP 200 with errcode 88 wrapping sub_code 40014', async () => {
    const r = await sim().oapi('/topapi/v2/user/get', 'not-a-token', { userid: 'user002' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(r.body).toEqual({
      errcode: 88,
      sub_code: '40014',
      sub_msg: 'invalid access_token',
      errmsg: 'ding talk error[subcode=40014,submsg=invalid access_token]',
      request_id: expect.stringMatching(OAPI_REQUEST_ID),
    });
  });

  it('when the token is sent as a header instead of the query, then it counts as blank (88/40000)', async () => {
    const token = await sim().appToken();
    const r = await sim().request('POST', '/topapi/v2/user/get', { body: { userid: 'user002' }, headers: { 'x-acs-dingtalk-access-token': token } });
    expect(r.body).toMatchObject({ errcode: 88, sub_code: '40000', sub_msg: 'access_token is blank' });
  });

  it('when the token is a form field, then it is accepted (PROBE P11)', async () => {
    const token = await sim().appToken();
    const r = await sim().request('POST', '/topapi/v2/user/get', { form: { access_token: token, userid: 'user002' } });
    expect(r.body).toMatchObject({ errcode: 0, result: { userid: 'user002' } });
  });

  it('when the path is unknown, then errcode 22 naming the api', async () => {
    const r = await sim().oapi('/topapi/v2/user/notexist', await sim().appToken());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ errcode: 22, errmsg: expect.stringContaining('dingtalk.oapi.v2.user.notexist') });
  });

  it('when gettoken gets its parameters as a form body, then 40035 (PROBE P2); bad secret → 40096', async () => {
    const form = await sim().getWithBody('/gettoken', `appkey=${DEMO.app.appKey}&appsecret=${DEMO.app.appSecret}`, 'application/x-www-form-urlencoded');
    expect(form).toMatchObject({ errcode: 40035, errmsg: 'missing corpid or appkey' });
    const bad = await sim().request('GET', `/gettoken?appkey=${DEMO.app.appKey}&appsecret=wrong`);
    expect(bad.body).toMatchObject({ errcode: 40096 });
    const noSecret = await sim().request('GET', `/gettoken?appkey=${DEMO.app.appKey}`);
    expect(noSecret.body).toMatchObject({ errcode: 41004 });
  });

  it('when the body is not JSON, a JSON array, or an unsupported type, then 43009 / 43004 — never a stack trace', async () => {
    const token = await sim().appToken();
    const path = `/topapi/v2/user/get?access_token=${token}`;
    const broken = await sim().request('POST', path, { raw: '{"userid": ', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(200);
    expect(broken.body).toMatchObject({ errcode: 43009 });
    expect((await sim().request('POST', path, { body: ['user002'] })).body).toMatchObject({ errcode: 43009 });
    const text = await sim().request('POST', path, { raw: 'userid=user002', headers: { 'content-type': 'text/plain' } });
    expect(text.body).toMatchObject({ errcode: 43004 });
    expect(text.text).not.toMatch(/at \w+ \(|<html/i);
  });

  it('when a field has the wrong type or is missing, then 400002 / 40035', async () => {
    const token = await sim().appToken();
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: { nested: true } })).body).toMatchObject({ errcode: 400002 });
    expect((await sim().oapi('/topapi/v2/user/get', token, {})).body).toMatchObject({ errcode: 40035 });
    expect((await sim().oapi('/topapi/v2/user/list', token, { dept_id: 'abc', cursor: 0, size: 10 })).body).toMatchObject({ errcode: 400002 });
  });
});

describe('new host error model', () => {
  it('when the token is wrong, then HTTP 400 InvalidAuthentication with an uppercase GUID requestid', async () => {
    const r = await sim().api('GET', '/v1.0/contact/users/me', 'not-a-token');
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(r.body).toEqual({ code: 'InvalidAuthentication', message: expect.any(String), requestid: expect.stringMatching(API_REQUEST_ID) });
  });

  it('when the token is in the query or a Bearer header, then AuthenticationFailed.MissingParameter', async () => {
    const query = await sim().request('GET', '/v1.0/contact/users/me?access_token=abc');
    const bearer = await sim().request('GET', '/v1.0/contact/users/me', { headers: { authorization: 'Bearer abc' } });
    for (const r of [query, bearer]) expect([r.status, r.body['code']]).toEqual([400, 'AuthenticationFailed.MissingParameter']);
  });

  it('when the path is unknown (or unversioned), then HTTP 200 with an old-style errcode 404 body (PROBE P12)', async () => {
    for (const path of ['/v1.0/oauth2/nothing', '/oauth2/corpAccessToken']) {
      const r = await sim().request('POST', path, { body: {} });
      expect([r.status, r.body['errcode']]).toEqual([200, 404]);
    }
  });

  it("when the path has broken percent-encoding, then the host's JSON error, not an Express HTML page", async () => {
    const api = await sim().request('POST', '/v1.0/oauth2/ding%E0%A4%A/token', { body: {} });
    expect([api.status, api.body['code']]).toEqual([400, 'invalidParameter']);
    expect(api.headers.get('content-type')).toBe('application/json;charset=utf-8');
  });

  it('when required fields are missing or mistyped, then 400 Missing<field> / invalidParameter; bad JSON is a 400 too', async () => {
    const missing = await sim().api('POST', '/v1.0/oauth2/accessToken', undefined, { appKey: DEMO.app.appKey });
    expect([missing.status, missing.body['code']]).toEqual([400, 'MissingappSecret']);
    const typed = await sim().api('POST', '/v1.0/oauth2/accessToken', undefined, { appKey: 1, appSecret: 'x' });
    expect([typed.status, typed.body['code']]).toEqual([400, 'invalidParameter']);
    const broken = await sim().request('POST', '/v1.0/oauth2/accessToken', { raw: '{', headers: { 'content-type': 'application/json' } });
    expect([broken.status, broken.body['code']]).toEqual([400, 'invalidParameter']);
    const bad = await sim().api('POST', '/v1.0/oauth2/accessToken', undefined, { appKey: DEMO.app.appKey, appSecret: 'nope' });
    expect([bad.status, bad.body['code']]).toEqual([400, 'invalidClientIdOrSecret']);
  });
});

describe('internal app tokens', () => {
  it('when fetched again while valid, then the same token comes back with its expiry extended, on both hosts', async () => {
    const first = await sim().request<{ access_token: string; expires_in: number }>(
      'GET',
      `/gettoken?appkey=${DEMO.app.appKey}&appsecret=${DEMO.app.appSecret}`,
    );
    expect(first.body.expires_in).toBe(7200);
    sim().running.sim.clock.advance(3600_000);
    const again = await sim().api<{ accessToken: string; expireIn: number }>('POST', '/v1.0/oauth2/accessToken', undefined, {
      appKey: DEMO.app.appKey,
      appSecret: DEMO.app.appSecret,
    });
    expect(again.body).toEqual({ accessToken: first.body.access_token, expireIn: 7200 });
    // Extended: still valid 7199 s after the second fetch although 10799 s after the first.
    sim().running.sim.clock.advance(7199_000);
    expect((await sim().oapi('/topapi/v2/user/get', first.body.access_token, { userid: 'user002' })).body['errcode']).toBe(0);
  });

  it('when the token expires on the sim clock, then 42001 on the old host; the next fetch gives a new token', async () => {
    const token = await sim().appToken();
    sim().running.sim.clock.advance(7200_000);
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: 'user002' })).body).toMatchObject({ errcode: 42001 });
    const fresh = await sim().appToken();
    expect(fresh).not.toBe(token);
  });

  it('when expiredTokenStyle is 88-40014, then an expired token answers like an invalid one', async () => {
    sim().running.sim.updateConfig({ expiredTokenStyle: '88-40014' });
    const token = await sim().appToken();
    sim().running.sim.clock.advance(7201_000);
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: 'user002' })).body).toMatchObject({ errcode: 88, sub_code: '40014' });
  });

  it('the unified /v1.0/oauth2/{corpId}/token issues the same internal token (snake_case) and checks grant and org', async () => {
    const unified = await sim().api<{ access_token: string; expires_in: number }>('POST', `/v1.0/oauth2/${DEMO.corpId}/token`, undefined, {
      client_id: DEMO.app.appKey,
      client_secret: DEMO.app.appSecret,
      grant_type: 'client_credentials',
    });
    expect(unified.body.access_token).toBe(await sim().appToken());
    const grant = await sim().api('POST', `/v1.0/oauth2/${DEMO.corpId}/token`, undefined, {
      client_id: DEMO.app.appKey,
      client_secret: DEMO.app.appSecret,
      grant_type: 'password',
    });
    expect([grant.status, grant.body['code']]).toEqual([400, 'unsupported.grant.type']);
    const wrongOrg = await sim().api('POST', `/v1.0/oauth2/${DEMO.secondCorpId}/token`, undefined, {
      client_id: DEMO.app.appKey,
      client_secret: DEMO.app.appSecret,
      grant_type: 'client_credentials',
    });
    expect([wrongOrg.status, wrongOrg.body['code']]).toEqual([401, 'unauthorized.client']);
  });
});

import { DEMO } from '../src';
import { useSimulator, type SimClient } from './sim-client';

const sim = useSimulator();
const REDIRECT = 'http://localhost:4100/auth/callback';

function authorizeUrl(overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    client_id: DEMO.app.appKey,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid',
    prompt: 'consent',
    state: 's-123',
    ...overrides,
  });
  return `/oauth2/auth?${params.toString()}`;
}

async function consent(client: SimClient, fields: Record<string, string>) {
  const form = { client_id: DEMO.app.appKey, redirect_uri: REDIRECT, scope: 'openid', state: 's-123', decision: 'allow', ...fields };
  const r = await client.request('POST', '/oauth2/consent', { form });
  return { status: r.status, location: new URL(r.headers.get('location') ?? 'http://none/'), text: r.text };
}

async function exchange(client: SimClient, body: Record<string, string>) {
  return client.api<{ accessToken: string; refreshToken: string; expireIn: number; corpId?: string; code?: string }>(
    'POST',
    '/v1.0/oauth2/userAccessToken',
    undefined,
    {
      clientId: DEMO.app.appKey,
      clientSecret: DEMO.app.appSecret,
      ...body,
    },
  );
}

describe('login page', () => {
  it('renders an accessible form with stable names for the person, decision buttons and hidden params', async () => {
    const r = await sim().request('GET', authorizeUrl());
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.text).toContain('<html lang="en">');
    expect(r.text).toContain('<form id="consent-form" method="post" action="/oauth2/consent">');
    expect(r.text).toMatch(/<label for="userid">[^<]+<\/label><select id="userid" name="userid"/);
    expect(r.text).toContain('value="user001"');
    expect(r.text).toContain(`value="${DEMO.outsiderId}"`);
    expect(r.text).toContain('name="decision" value="allow"');
    expect(r.text).toContain('name="decision" value="deny"');
    expect(r.text).not.toContain('name="corpId"');
  });

  it("preselects the demo org's admin (the person the README names), not the alphabetically first outsider", async () => {
    const r = await sim().request('GET', authorizeUrl());
    expect(r.text).toContain(`<option value="${DEMO.adminUserid}" selected>`);
    expect(r.text).not.toContain(`<option value="${DEMO.outsiderId}" selected>`);
  });

  it('offers an org picker only for the "openid corpid" scope', async () => {
    const r = await sim().request('GET', authorizeUrl({ scope: 'openid corpid', corpId: DEMO.secondCorpId }));
    expect(r.text).toContain('<select id="corpId" name="corpId"');
    expect(r.text).toContain(`<option value="${DEMO.secondCorpId}" selected>`);
  });

  it.each([
    ['an unknown client_id', { client_id: 'nobody' }, 'client_id'],
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/cb' }, 'redirect_uri'],
    ['a userinfo trick in redirect_uri', { redirect_uri: 'http://localhost:80@evil.example/cb' }, 'redirect_uri'],
    ['response_type other than code', { response_type: 'token' }, 'response_type'],
    ['an unsupported scope', { scope: 'openid email' }, 'scope'],
    ['a missing prompt', { prompt: '' }, 'prompt'],
  ])('when given %s, then an error page (400) and no redirect', async (_name, params, word) => {
    const r = await sim().request('GET', authorizeUrl(params));
    expect(r.status).toBe(400);
    expect(r.headers.get('location')).toBeNull();
    expect(r.text).toContain(word);
  });
});

describe('login page language', () => {
  const visibleText = (html: string) => html.replace(/<(style|script)\b[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' ');

  it('when the browser prefers any Chinese, then the page is in Simplified Chinese, with a switch to English', async () => {
    const r = await sim().request('GET', authorizeUrl(), { headers: { 'accept-language': 'zh-TW,zh;q=0.9,en;q=0.5' } });
    expect(r.status).toBe(200);
    expect(r.text).toContain('<html lang="zh-CN">');
    expect(r.text).toContain('<label for="userid">成员</label>');
    expect(r.text).toContain('<button type="submit" name="decision" value="allow">同意</button>');
    const english = new URL(/<a href="([^"]+)" lang="en"/.exec(r.text)?.[1]?.replace(/&#38;/g, '&') ?? '', 'http://sim');
    expect(Object.fromEntries(english.searchParams)).toMatchObject({ lang: 'en', client_id: DEMO.app.appKey, state: 's-123', prompt: 'consent' });
  });

  it('when the switch is used, then the choice is remembered for the login host over Accept-Language, down to the consent answer', async () => {
    const switched = await sim().request('GET', authorizeUrl({ lang: 'zh-CN' }), { headers: { 'accept-language': 'en' } });
    expect(switched.text).toContain('<html lang="zh-CN">');
    const cookie = (switched.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toBe('dtg_lang=zh-CN');
    const again = await sim().request('GET', authorizeUrl(), { headers: { 'accept-language': 'en', cookie } });
    expect(again.text).toContain('<html lang="zh-CN">');
    const refused = await sim().request('POST', '/oauth2/consent', {
      form: { client_id: DEMO.app.appKey, redirect_uri: REDIRECT, scope: 'openid', decision: 'allow', userid: 'nobody' },
      headers: { 'accept-language': 'en', cookie },
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('请选择一位成员。');
  });

  it('when the request is refused, then the error page is in the visitor’s language too, with no English sentence left', async () => {
    const r = await sim().request('GET', authorizeUrl({ client_id: 'nobody' }), { headers: { 'accept-language': 'zh-CN' } });
    expect(r.status).toBe(400);
    expect(r.text).toContain('<html lang="zh-CN">');
    expect(r.text).toContain('无效的 client_id');
    expect(visibleText(r.text)).not.toMatch(/[A-Za-z]{3,} [a-z]{3,}/);
    const english = await sim().request('GET', authorizeUrl({ client_id: 'nobody' }));
    expect(english.text).toContain('Invalid client_id');
  });
});

describe('consent and token exchange', () => {
  it('when allowed, then redirects with the same value in code and authCode plus state; the code works once', async () => {
    const { status, location } = await consent(sim(), { userid: 'user002' });
    expect(status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    const code = location.searchParams.get('code');
    expect(code).toBeTruthy();
    expect(location.searchParams.get('authCode')).toBe(code);
    expect(location.searchParams.get('state')).toBe('s-123');
    const first = await exchange(sim(), { grantType: 'authorization_code', code: code ?? '' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expireIn: 7200 });
    const again = await exchange(sim(), { grantType: 'authorization_code', code: code ?? '' });
    expect([again.status, again.body.code]).toEqual([400, 'invalidCode']);
  });

  it('when denied, then redirects with error=access_denied and state, no code', async () => {
    const { location } = await consent(sim(), { userid: 'user002', decision: 'deny' });
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s-123');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('with "openid corpid", the chosen org must be one of the person\'s and comes back as corpId', async () => {
    const wrong = await consent(sim(), { scope: 'openid corpid', userid: 'user050', corpId: DEMO.secondCorpId });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('not a member');
    const ok = await consent(sim(), { scope: 'openid corpid', userid: 'user001', corpId: DEMO.secondCorpId });
    const tokens = await exchange(sim(), { grantType: 'authorization_code', code: ok.location.searchParams.get('code') ?? '' });
    expect(tokens.body.corpId).toBe(DEMO.secondCorpId);
  });

  it('rejects a code redeemed by another client, wrong secrets and unknown grant types', async () => {
    const { location } = await consent(sim(), { userid: 'user002' });
    const code = location.searchParams.get('code') ?? '';
    const otherClient = await sim().api('POST', '/v1.0/oauth2/userAccessToken', undefined, {
      clientId: DEMO.suite.suiteKey,
      clientSecret: DEMO.suite.suiteSecret,
      grantType: 'authorization_code',
      code,
    });
    expect(otherClient.body['code']).toBe('invalidCode');
    expect((await exchange(sim(), { clientSecret: 'x', grantType: 'authorization_code', code })).body.code).toBe('invalidClientIdOrSecret');
    expect((await exchange(sim(), { grantType: 'password' })).body.code).toBe('unsupported.grant.type');
  });

  it('refreshes with the refresh token (rotated: the old one stops working); user tokens expire after 2 h', async () => {
    const { location } = await consent(sim(), { userid: 'user002' });
    const first = (await exchange(sim(), { grantType: 'authorization_code', code: location.searchParams.get('code') ?? '' })).body;
    const refreshed = await exchange(sim(), { grantType: 'refresh_token', refreshToken: first.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.accessToken).not.toBe(first.accessToken);
    expect((await exchange(sim(), { grantType: 'refresh_token', refreshToken: first.refreshToken })).status).toBe(400);
    // The control plane lists every token handed out, the rotated refresh token included.
    const issued = (await sim().control<Array<{ kind: string; token: string }>>('GET', '/tokens')).body;
    for (const [kind, token] of [
      ['user', first.accessToken],
      ['user', refreshed.body.accessToken],
      ['refresh', first.refreshToken],
      ['refresh', refreshed.body.refreshToken],
    ]) {
      expect(issued).toContainEqual({ kind, token });
    }
    sim().running.sim.clock.advance(7200_000);
    expect((await sim().api('GET', '/v1.0/contact/users/me', refreshed.body.accessToken)).body['code']).toBe('InvalidAuthentication');
  });
});

describe('current user', () => {
  async function loginAs(clientId: string, secret: string, personId: string) {
    const r = await sim().request('POST', '/oauth2/consent', {
      form: { client_id: clientId, redirect_uri: REDIRECT, scope: 'openid', decision: 'allow', userid: personId },
    });
    const code = new URL(r.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const t = await sim().api<{ accessToken: string }>('POST', '/v1.0/oauth2/userAccessToken', undefined, {
      clientId,
      clientSecret: secret,
      grantType: 'authorization_code',
      code,
    });
    return t.body.accessToken;
  }

  it('internal app sees the full mobile and its own developer unionId; the ISV sees a masked mobile and another unionId', async () => {
    const internal = await sim().api('GET', '/v1.0/contact/users/me', await loginAs(DEMO.app.appKey, DEMO.app.appSecret, 'user002'));
    expect(internal.body).toMatchObject({
      nick: expect.any(String),
      mobile: '13800000002',
      stateCode: '86',
      unionId: 'union-user002',
      openId: expect.any(String),
    });
    const isv = await sim().api('GET', '/v1.0/contact/users/me', await loginAs(DEMO.suite.suiteKey, DEMO.suite.suiteSecret, 'user002'));
    expect(isv.body).toMatchObject({ mobile: '138****0002', unionId: 'isvunion-user002' });
    expect(isv.body['openId']).not.toBe(internal.body['openId']);
  });

  it('the outsider can log in, has a unionId, but getbyunionid answers 60121', async () => {
    const me = await sim().api<{ unionId: string }>('GET', '/v1.0/contact/users/me', await loginAs(DEMO.app.appKey, DEMO.app.appSecret, DEMO.outsiderId));
    expect(me.body.unionId).toBe(`union-${DEMO.outsiderId}`);
    const lookup = await sim().oapi('/topapi/user/getbyunionid', await sim().appToken(), { unionid: me.body.unionId });
    expect(lookup.body['errcode']).toBe(60121);
  });

  it('/contact/users/{unionId} answers for oneself, 403 for someone else, 404 for nobody; app tokens are refused', async () => {
    const token = await loginAs(DEMO.app.appKey, DEMO.app.appSecret, 'user002');
    expect((await sim().api('GET', '/v1.0/contact/users/union-user002', token)).status).toBe(200);
    expect((await sim().api('GET', '/v1.0/contact/users/union-user003', token)).status).toBe(403);
    expect((await sim().api('GET', '/v1.0/contact/users/union-nobody', token)).status).toBe(404);
    expect((await sim().api('GET', '/v1.0/contact/users/me', await sim().appToken())).body['code']).toBe('InvalidAuthentication');
  });
});

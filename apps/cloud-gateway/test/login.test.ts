import { createHash } from 'node:crypto';
import { LoginTicketSchema, type EventEnvelope } from '@dtg/contracts';
import { DEMO } from '@dtg/dingtalk-sim';
import { openWithTicket } from '@dtg/service-kit';
import { PUBLIC_URL, RETURN_TO, eachIdentityStack, type IdentityStack, type TestTenant } from './support/identity-stack';
import { startCloud } from './support/cloud-harness';
import { beginLogin, consent, hop, otherBrowser, signIn } from './support/login-browser';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('sign in with DingTalk (internal app)', () => {
  let stack: IdentityStack;
  let tenant: TestTenant;

  eachIdentityStack((s, t) => ([stack, tenant] = [s, t]));

  async function nothingCreated() {
    expect(await stack.cloud.services.db.loginTicket.count()).toBe(0);
    expect(await stack.events(tenant)).toEqual([]);
  }

  function member(userid: string) {
    const found = stack.sim.sim
      .fixture()
      .orgs.find((o) => o.corpId === DEMO.corpId)
      ?.members.find((m) => m.userid === userid);
    if (!found) throw new Error(`no fixture member ${userid}`);
    return found;
  }

  it('when a member signs in, then returnTo gets a one-time ticket and user.authenticated carries their org profile', async () => {
    const authorizeUrl = new URL(await beginLogin(stack, tenant.id, RETURN_TO));
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${stack.sim.url}/oauth2/auth`);
    const state = authorizeUrl.searchParams.get('state') ?? '';
    expect(Object.fromEntries(authorizeUrl.searchParams)).toEqual({
      client_id: DEMO.app.appKey,
      redirect_uri: `${PUBLIC_URL}/auth/dingtalk/callback`,
      response_type: 'code',
      scope: 'openid',
      prompt: 'consent',
      state,
    });
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await stack.cloud.services.db.oAuthState.findFirstOrThrow();
    expect(stored).toMatchObject({ id: sha256(state), tenantId: tenant.id, returnTo: RETURN_TO, usedAt: null });

    const callbackUrl = await consent(stack, authorizeUrl.toString(), { userid: 'user002' });
    const end = await hop(stack, callbackUrl);
    expect(end.status).toBe(302);
    const back = new URL(end.location ?? '');
    expect(back.origin + back.pathname).toBe('http://localhost:3000/login/done');
    expect(back.searchParams.get('from')).toBe('cloud');
    const ticket = back.searchParams.get('ticket') ?? '';
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const events = await stack.events(tenant);
    expect(events.map((e) => e.type)).toEqual(['user.authenticated', 'user.upserted']);
    const auth = events[0] as EventEnvelope<'user.authenticated'>;
    // The store learns the organisation's corpId from here (an internal app gets no authorization event).
    expect(auth.data.corpId).toBe(DEMO.corpId);
    const m = member('user002');
    const login = auth.data.login;
    if (!login) throw new Error('no login in user.authenticated');
    expect(login.ticketHash).toBe(sha256(ticket));
    expect(login.ttlMs).toBe(60_000);
    // The event is kept in the outbox and pushed: no live credential in it, only the token sealed with the ticket.
    const cloudToken = openWithTicket(ticket, login.sealedCloudToken);
    expect(cloudToken).toMatch(/^dtgu_/);
    const outbox = JSON.stringify(await stack.cloud.services.db.event.findMany());
    expect(outbox).not.toContain(ticket);
    expect(outbox).not.toContain(cloudToken);
    expect(auth.data.user).toMatchObject({
      userid: 'user002',
      unionId: 'union-user002',
      name: m.name,
      deptIds: m.deptIds,
      title: m.title,
      jobNumber: m.jobNumber,
      managerUserid: 'user001',
      admin: false,
      active: true,
    });
    expect(auth.data.user.mobile).toMatch(/^138/);
    expect((events[1] as EventEnvelope<'user.upserted'>).data.users).toEqual([auth.data.user]);

    const row = await stack.cloud.services.db.loginTicket.findFirstOrThrow();
    expect(row).toMatchObject({ id: sha256(ticket), tenantId: tenant.id, userid: 'user002', eventId: auth.id });
    expect((await stack.cloud.services.db.oAuthState.findFirstOrThrow()).usedAt).not.toBeNull();

    // The lookup answers the same, with what is left of the ticket's minute.
    stack.clock.offsetMs = 20_000;
    const pulled = await stack.call('GET', `/v1/login-tickets/${ticket}`, { token: tenant.apiKey });
    expect(pulled.status).toBe(200);
    const { ttlMs, ...rest } = LoginTicketSchema.parse(pulled.body).login;
    expect({ ...rest, ttlMs: 0 }).toEqual({ ...login, ttlMs: 0 });
    expect(ttlMs).toBeLessThanOrEqual(40_000);
    expect(ttlMs).toBeGreaterThan(30_000);
    stack.clock.offsetMs = 0;

    const asUser = await stack.call('GET', '/v1/users/user002', { token: cloudToken });
    expect(asUser.status).toBe(200);
    expect(asUser.body).toEqual(auth.data.user);
    expect((await stack.call('GET', `/v1/login-tickets/${ticket}`, { token: cloudToken })).status).toBe(403);

    const dingtalkCalls = stack.sim.sim.requestLog().map((r) => `${r.method} ${r.path}`);
    expect(dingtalkCalls).toEqual(
      expect.arrayContaining(['POST /v1.0/oauth2/userAccessToken', 'GET /v1.0/contact/users/me', 'POST /topapi/user/getbyunionid', 'POST /topapi/v2/user/get']),
    );
  });

  it('when the login starts, then the browser gets an httpOnly, SameSite=Lax nonce cookie for the callback path only, bound to the state; a binding comes back in the ticket', async () => {
    const binding = sha256('the local store’s browser binding');
    const start = await fetch(`${stack.cloud.url}/auth/dingtalk?${new URLSearchParams({ tenant: tenant.id, returnTo: RETURN_TO, binding })}`, {
      redirect: 'manual',
    });
    expect(start.status).toBe(302);
    const [cookie, ...others] = start.headers.getSetCookie();
    expect(others).toEqual([]);
    const [pair = '', ...attributes] = (cookie ?? '').split('; ');
    const [name = '', value = ''] = pair.split('=');
    expect(name).toMatch(/^dtg_login_[0-9a-f]{16}$/);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/auth/dingtalk/callback', 'HttpOnly', 'SameSite=Lax', 'Max-Age=600']));
    expect(attributes).not.toContain('Secure');
    const state = await stack.cloud.services.db.oAuthState.findFirstOrThrow();
    expect(state).toMatchObject({ nonceHash: sha256(value), binding });
    expect(name).toBe(`dtg_login_${sha256(value).slice(0, 16)}`);

    const bad = await hop(stack, `${PUBLIC_URL}/auth/dingtalk?${new URLSearchParams({ tenant: tenant.id, returnTo: RETURN_TO, binding: 'not-a-hash' })}`, {
      headers: { accept: 'application/json' },
    });
    expect(JSON.parse(bad.text)).toMatchObject({ status: 400, errors: [{ path: 'query.binding' }] });

    const bound = await hop(stack, await consent(stack, await beginLogin(stack, tenant.id, RETURN_TO, binding), { userid: 'user002' }));
    expect(bound.status).toBe(302);
    const [auth] = (await stack.events(tenant)).filter((e): e is EventEnvelope<'user.authenticated'> => e.type === 'user.authenticated');
    expect(auth?.data.login?.binding).toBe(binding);
  });

  it('when the callback is opened in a browser that did not start the login (login CSRF), then 400 without a redirect, nothing is created and the state is spent', async () => {
    // The attacker consents as themselves and hands their callback URL to a victim.
    const callbackUrl = await consent(stack, await beginLogin(stack, tenant.id, RETURN_TO), { userid: 'user002' });
    const victim = otherBrowser();
    for (const accept of ['text/html', 'application/json']) {
      const page = await hop(stack, callbackUrl, { headers: { accept } }, victim);
      expect([accept, page.status, page.location]).toEqual([accept, 400, null]);
      if (accept === 'text/html') expect(page.text).toContain('started in another browser');
    }
    await nothingCreated();
    expect(stack.sim.sim.requestLog({ pathPrefix: '/v1.0/oauth2/userAccessToken' })).toHaveLength(0);
    const attacker = await hop(stack, callbackUrl);
    expect([attacker.status, attacker.location]).toEqual([400, null]);
    expect(attacker.text).toContain('already used');
  });

  it('when the cloud is served over https, then the nonce cookie is Secure', async () => {
    const secure = await startCloud({ env: { PUBLIC_URL: 'https://gateway.example' }, dispatcher: false });
    try {
      const created = await fetch(`${secure.url}/admin/tenants`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-admin-token-0123456789abcdef', 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Secure',
          corpId: DEMO.corpId,
          appKey: DEMO.app.appKey,
          appSecret: DEMO.app.appSecret,
          agentId: 1,
          returnUrls: [RETURN_TO],
        }),
      });
      const id = ((await created.json()) as { tenant: { id: string } }).tenant.id;
      const start = await fetch(`${secure.url}/auth/dingtalk?${new URLSearchParams({ tenant: id, returnTo: RETURN_TO })}`, { redirect: 'manual' });
      expect(start.status).toBe(302);
      expect(start.headers.getSetCookie()[0]?.split('; ')).toContain('Secure');
    } finally {
      await secure.close();
    }
  });

  it('when DingTalk names the code `code` only, then the login completes too', async () => {
    const callbackUrl = new URL(await consent(stack, await beginLogin(stack, tenant.id, RETURN_TO), { userid: 'user003' }));
    callbackUrl.searchParams.delete('authCode');
    const end = await hop(stack, callbackUrl.toString());
    expect(end.status).toBe(302);
    expect(new URL(end.location ?? '').searchParams.get('ticket')).toBeTruthy();
  });

  it('when the person denies consent, then returnTo gets error=access_denied and nothing is created', async () => {
    const end = await signIn(stack, tenant.id, RETURN_TO, { userid: 'user002', decision: 'deny' });
    expect(end.status).toBe(302);
    expect(end.location).toBe(`${RETURN_TO}&error=access_denied`);
    await nothingCreated();
    expect((await hop(stack, end.callbackUrl)).status).toBe(400);
  });

  it('when the state is forged, then a 400 page answers, nothing is created and the real state still works', async () => {
    const callbackUrl = new URL(await consent(stack, await beginLogin(stack, tenant.id, RETURN_TO), { userid: 'user002' }));
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'A'.repeat(43));
    const page = await hop(stack, forged.toString());
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.contentType).toContain('text/html');
    expect(page.text).toContain('not one we started');
    const chinese = await hop(stack, forged.toString(), { headers: { accept: 'text/html', 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
    expect(chinese.status).toBe(400);
    expect(chinese.text).toContain('<html lang="zh-CN">');
    expect(chinese.text).toContain('<p role="alert">这次登录响应不是由本网关发起的（state 未知或被伪造）。</p>');
    const json = await hop(stack, forged.toString(), { headers: { accept: 'application/json' } });
    expect(json.status).toBe(400);
    expect(json.contentType).toContain('application/problem+json');
    expect(JSON.parse(json.text)).toMatchObject({ code: 'bad_request', status: 400 });
    for (const withoutState of [(u: URL) => u.searchParams.set('state', ''), (u: URL) => u.searchParams.delete('state')]) {
      const url = new URL(callbackUrl);
      withoutState(url);
      const answer = await hop(stack, url.toString());
      expect([answer.status, answer.location]).toEqual([400, null]);
    }
    await nothingCreated();
    expect(stack.sim.sim.requestLog({ pathPrefix: '/v1.0/oauth2/userAccessToken' })).toHaveLength(0);

    expect((await hop(stack, callbackUrl.toString())).status).toBe(302);
  });

  it('when the callback is replayed, then the spent state is refused and only one ticket exists', async () => {
    const first = await signIn(stack, tenant.id, RETURN_TO, { userid: 'user002' });
    expect(first.status).toBe(302);
    const replay = await hop(stack, first.callbackUrl);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('already used');
    expect(await stack.cloud.services.db.loginTicket.count()).toBe(1);
    expect((await stack.events(tenant)).filter((e) => e.type === 'user.authenticated')).toHaveLength(1);
  });

  it('when more than 10 minutes pass before the callback, then the expired state is refused', async () => {
    const authorizeUrl = await beginLogin(stack, tenant.id, RETURN_TO);
    stack.clock.offsetMs = 10 * 60_000 + 1_000;
    const page = await hop(stack, await consent(stack, authorizeUrl, { userid: 'user002' }));
    expect(page.status).toBe(400);
    expect(page.text).toContain('expired');
    await nothingCreated();
  });

  it('when returnTo is not exactly on the tenant’s list, or the tenant is unknown, then 400 and no redirect', async () => {
    const start = (tenantId: string, returnTo: string, accept = 'text/html') =>
      hop(stack, `${PUBLIC_URL}/auth/dingtalk?${new URLSearchParams({ tenant: tenantId, returnTo })}`, { headers: { accept } });
    for (const returnTo of ['https://evil.example/steal', 'http://localhost:3000/login/done', `${RETURN_TO}&x=1`, `${RETURN_TO}/..`]) {
      const page = await start(tenant.id, returnTo);
      expect([page.status, page.location]).toEqual([400, null]);
      expect(page.text).toContain('returnTo is not one of the tenant');
    }
    const json = await start(tenant.id, 'https://evil.example/steal', 'application/json');
    expect(JSON.parse(json.text)).toMatchObject({ status: 400, errors: [{ path: 'query.returnTo' }] });
    const unknown = await start('ten_nope', RETURN_TO);
    expect([unknown.status, unknown.location]).toEqual([400, null]);
    expect(unknown.text).toContain('unknown tenant');
    expect(await stack.cloud.services.db.oAuthState.count()).toBe(0);
  });

  it('when /openapi.json is read, then the login, ticket, user and directory routes are documented', async () => {
    const doc = (await stack.call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')).body;
    for (const [path, method] of [
      ['/auth/dingtalk', 'get'],
      ['/auth/dingtalk/callback', 'get'],
      ['/v1/login-tickets/{ticket}', 'get'],
      ['/v1/users/{userid}', 'get'],
      ['/v1/users/by-union-id/{unionId}', 'get'],
      ['/v1/directory/sync', 'post'],
      ['/v1/directory/sync/{id}', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method]).toBeDefined();
    }
  });

  it('when the person is in no org of the tenant (outsider), then returnTo gets error=not_in_org and nothing is created', async () => {
    const end = await signIn(stack, tenant.id, RETURN_TO, { userid: DEMO.outsiderId });
    expect(end.status).toBe(302);
    expect(end.location).toBe(`${RETURN_TO}&error=not_in_org`);
    await nothingCreated();
  });
});

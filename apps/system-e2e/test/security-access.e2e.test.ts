// Who gets in, across the real processes: forged, reused and expired OAuth state; open-redirect
// attempts on returnTo; one tenant's API keys and user tokens against another tenant's events,
// messages, users, login tickets and directory syncs; DingTalk timing out and resetting the
// connection on the token, user-token and department endpoints (the error handler's 503, the
// login failure path, the job runner's retry). At LOG_LEVEL=debug; the last test scans every line
// printed for every ticket, code, state, token, key and secret handled here or by the simulator.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { clearFaults, type DrillStack, setFaults, simControl, simRequests, startDrillStack, waitFor } from '@dtg/testkit';
import { jsonCall } from './support/json-call';
import { adminCli, cliEnv } from './support/admin-cli';
import { beginLogin, Browser, cloudTokenOf, consent, hop, loginUrl, redeemAtStore, signIn, signInAtStore, type SignedIn } from './support/login-flow';
import { postgresRowCounts, sqliteRowCounts } from './support/row-counts';
import { expectCleanLogs, HandledSecrets } from './support/secret-scan';
import type { FaultKind, IssuedToken } from '@dtg/dingtalk-sim';
import { provisionSecondTenant, type SecondTenant } from './support/second-tenant';

const PROBLEM = 'application/problem+json';
const METRICS_TOKEN = randomBytes(24).toString('base64url');

describe('sign-in and tenant boundaries (real processes)', () => {
  let stack: DrillStack;
  let second: SecondTenant;
  const handled = new HandledSecrets();

  beforeAll(async () => {
    stack = await startDrillStack({
      logLevel: 'debug',
      // Clients are told apart by X-Forwarded-For from this machine (a proxy in front, as deployed);
      // the budgets are the test's, sized so the other tests here stay well within them.
      cloudEnv: { TRUST_PROXY: 'loopback', RATE_LIMIT_LOGIN_PER_CLIENT: '100/1m', RATE_LIMIT_LOGIN_PER_TENANT: '300/1m', METRICS_TOKEN },
      localEnv: { TRUST_PROXY: 'loopback', RATE_LIMIT_SESSION_PER_CLIENT: '60/1m' },
    });
    handled.keep('METRICS_TOKEN', METRICS_TOKEN);
    second = await provisionSecondTenant(stack, 'http://127.0.0.1:9/second-app/', handled);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  const cloud = (method: string, path: string, token?: string, body?: unknown) => jsonCall(stack.cloud.url, method, path, token, body);
  const cloudCount = (table: string) => sqliteRowCounts(stack.cloudDbFile)[`cloud.${table}`];
  const returnTo = () => `${stack.local.url}/`;
  const tokenExchanges = async () => (await simRequests(stack.sim.url, '/v1.0/oauth2/userAccessToken')).length;
  const keepLogin = (login: SignedIn) => {
    handled.keep('login ticket', login.ticket);
    handled.keep('OAuth code', login.code);
    handled.keep('OAuth state', login.state);
    return login;
  };
  const keepCallback = (callbackUrl: string) => {
    const params = new URL(callbackUrl).searchParams;
    handled.keep('OAuth code', params.get('authCode') ?? '');
    handled.keep('OAuth state', params.get('state') ?? '');
    return callbackUrl;
  };

  describe('sign in with DingTalk', () => {
    it('when the OAuth state is forged or missing, then 400 without a redirect, nothing is created, and the genuine state still works', async () => {
      const callbackUrl = keepCallback(await consent(await beginLogin(stack.cloud.url, stack.tenant.id, returnTo()), 'user002'));
      const [tickets, exchanges] = [cloudCount('LoginTicket'), await tokenExchanges()];
      for (const state of [randomBytes(32).toString('base64url'), '', undefined, 'x'.repeat(600)]) {
        const forged = new URL(callbackUrl);
        if (state === undefined) forged.searchParams.delete('state');
        else forged.searchParams.set('state', state);
        for (const accept of ['text/html', 'application/json']) {
          const page = await hop(forged.toString(), { headers: { accept } });
          expect([state?.length, accept, page.status, page.location]).toEqual([state?.length, accept, 400, null]);
          expect(page.contentType).toContain(accept === 'text/html' ? 'text/html' : PROBLEM);
        }
      }
      // A forged state with error= must not turn the callback into a redirector either.
      const withError = new URL(callbackUrl);
      withError.searchParams.set('state', 'forged');
      withError.searchParams.set('error', 'access_denied');
      expect((await hop(withError.toString())).location).toBeNull();
      expect([cloudCount('LoginTicket'), await tokenExchanges()]).toEqual([tickets, exchanges]);

      const genuine = await hop(callbackUrl);
      expect(genuine.status).toBe(302);
      expect(genuine.location?.startsWith(`${returnTo()}?ticket=`)).toBe(true);
      handled.keep('login ticket', new URL(genuine.location ?? '').searchParams.get('ticket') ?? '');
    });

    it('when a finished sign-in’s callback is replayed, then the spent state is refused and no second ticket exists', async () => {
      const done = keepLogin(await signIn(stack.cloud.url, stack.tenant.id, returnTo(), 'user003'));
      const tickets = cloudCount('LoginTicket');
      const replay = await hop(done.callbackUrl);
      expect([replay.status, replay.location]).toEqual([400, null]);
      expect(replay.text).toContain('already used');
      expect(cloudCount('LoginTicket')).toBe(tickets);
    });

    it('when the state has expired before DingTalk sends the browser back, then it is refused and nothing is created', async () => {
      const authorizeUrl = await beginLogin(stack.cloud.url, stack.tenant.id, returnTo());
      // Ten minutes pass: the cloud is a separate process, so its clock is moved by ageing the row.
      const db = new Database(stack.cloudDbFile, { timeout: 5000 });
      try {
        db.prepare('UPDATE OAuthState SET expiresAt = ? WHERE usedAt IS NULL').run(Date.now() - 1000);
      } finally {
        db.close();
      }
      const callbackUrl = keepCallback(await consent(authorizeUrl, 'user004'));
      const [tickets, exchanges] = [cloudCount('LoginTicket'), await tokenExchanges()];
      const page = await hop(callbackUrl);
      expect([page.status, page.location]).toEqual([400, null]);
      expect(page.text).toContain('expired');
      expect([cloudCount('LoginTicket'), await tokenExchanges()]).toEqual([tickets, exchanges]);
    });

    it('when returnTo is anything but a registered URL (open-redirect attempts), then 400, no redirect and no state', async () => {
      const registered = returnTo();
      const host = new URL(registered).host;
      const attempts = [
        'https://evil.example/',
        '//evil.example/',
        '///evil.example/',
        `http://${host}@evil.example/`,
        `http://evil.example/${registered}`,
        `http://${host}.evil.example/`,
        `${registered}.evil.example`,
        `${registered}/../`,
        `${registered}%2F%2Fevil.example`,
        `${registered}?next=https://evil.example/`,
        `${registered}#@evil.example`,
        registered.toUpperCase(),
        registered.replace('http://', 'https://'),
        registered.slice(0, -1),
        `${registered} `,
        `\t${registered}`,
        `${registered}\r\nLocation: https://evil.example/`,
        '\\\\evil.example\\',
        '/\\evil.example',
        'javascript:alert(document.cookie)',
        'data:text/html,<script>alert(1)</script>',
        second.returnTo,
      ];
      const states = cloudCount('OAuthState');
      for (const attempt of attempts) {
        const page = await hop(loginUrl(stack.cloud.url, stack.tenant.id, attempt));
        expect([attempt, page.status, page.location]).toEqual([attempt, 400, null]);
      }
      // Our registered URL is not the other tenant's.
      const crossed = await hop(loginUrl(stack.cloud.url, second.id, registered));
      expect([crossed.status, crossed.location]).toEqual([400, null]);
      expect(cloudCount('OAuthState')).toBe(states);
    });
  });

  describe('one tenant’s credentials against another tenant’s data', () => {
    it('when API keys and user tokens of one tenant ask for the other’s events, messages, users, login tickets and syncs, then they get nothing', async () => {
      const a = stack.tenant;
      // Both tenants sign someone in: a ticket and a cloud user token each.
      const aLogin = keepLogin(await signIn(stack.cloud.url, a.id, returnTo(), 'user005'));
      const bLogin = keepLogin(await signIn(stack.cloud.url, second.id, second.returnTo, 'second010'));
      const aUser = handled.keep('user token', await cloudTokenOf(stack.cloud.url, a.apiKey, aLogin.ticket));
      const bUser = handled.keep('user token', await cloudTokenOf(stack.cloud.url, second.apiKey, bLogin.ticket));

      const text = (content: string) => ({ msgtype: 'text', text: { content } });
      // Sent by the signed-in people themselves: members read only what they sent.
      const aMessage = (await cloud('POST', '/v1/messages', aUser, { recipients: { userIds: ['user005'] }, msg: text('for A') })).body.id as string;
      const bMessage = (await cloud('POST', '/v1/messages', bUser, { recipients: { userIds: ['second010'] }, msg: text('for B') })).body.id as string;
      const aSync = (await cloud('POST', '/v1/directory/sync', a.apiKey, {})).body.id as string;
      const bSync = (await cloud('POST', '/v1/directory/sync', second.apiKey, {})).body.id as string;

      // Each credential sees its own tenant's things (so the refusals below are not broken routes).
      for (const [token, message, sync, userid] of [
        [a.apiKey, aMessage, aSync, 'user005'],
        [aUser, aMessage, aSync, 'user005'],
        [second.apiKey, bMessage, bSync, 'second010'],
        [bUser, bMessage, bSync, 'second010'],
      ] as const) {
        expect((await cloud('GET', `/v1/messages/${message}`, token)).status).toBe(200);
        expect((await cloud('GET', `/v1/directory/sync/${sync}`, token)).status).toBe(200);
        expect((await cloud('GET', `/v1/users/${userid}`, token)).status).toBe(200);
      }

      const refused = async (method: string, path: string, token: string, statuses: number[]) => {
        const res = await cloud(method, path, token);
        expect([method, path, statuses.includes(res.status), res.contentType]).toEqual([method, path, true, PROBLEM]);
      };
      const ofA = { message: aMessage, sync: aSync, ticket: aLogin.ticket, userid: 'user005', unionId: 'union-user005' };
      const ofB = { message: bMessage, sync: bSync, ticket: bLogin.ticket, userid: 'second010', unionId: 'unionb-second010' };
      for (const [token, other] of [
        [a.apiKey, ofB],
        [aUser, ofB],
        [second.apiKey, ofA],
        [bUser, ofA],
      ] as const) {
        await refused('GET', `/v1/messages/${other.message}`, token, [404]);
        await refused('DELETE', `/v1/messages/${other.message}`, token, [404]);
        await refused('GET', `/v1/directory/sync/${other.sync}`, token, [404]);
        // A user token may read no ticket at all (403); an API key only its own tenant's (404).
        await refused('GET', `/v1/login-tickets/${other.ticket}`, token, [403, 404]);
        await refused('GET', `/v1/users/${other.userid}`, token, [404]);
        await refused('GET', `/v1/users/by-union-id/${other.unionId}`, token, [404]);
      }
      // Refused before any route matched (bad or revoked key): the ticket in the path must not reach the log either.
      for (const token of ['dtg_' + randomBytes(24).toString('base64url'), 'not-a-key', '']) {
        await refused('GET', `/v1/login-tickets/${aLogin.ticket}`, token, [401]);
      }
      for (const [key, own, foreign] of [
        [a.apiKey, a.id, second.id],
        [second.apiKey, second.id, a.id],
      ] as const) {
        const events = (await cloud('GET', '/v1/events?after=0&limit=1000', key)).body.events as Array<{ tenantId: string }>;
        expect(events.length).toBeGreaterThan(0);
        expect(events.filter((e) => e.tenantId !== own)).toEqual([]);
        expect(JSON.stringify(events)).not.toContain(foreign);
      }
      for (const token of [aUser, bUser]) await refused('GET', '/v1/events?after=0', token, [403]);

      // A user token re-addressed to the other tenant is a forgery: its signature no longer matches.
      const [body = '', signature = ''] = aUser.slice('dtgu_'.length).split('.');
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
      const readdressed = `dtgu_${Buffer.from(JSON.stringify({ ...claims, tid: second.id })).toString('base64url')}.${signature}`;
      await refused('GET', `/v1/messages/${bMessage}`, readdressed, [401]);
      // Tenant credentials are not admin credentials.
      await refused('GET', '/admin/tenants', a.apiKey, [401]);

      // Tenant A's store opens no session for tenant B's ticket, and its own ticket only once (in the browser that started it there).
      const sessions = async () => (await postgresRowCounts(stack.db))['local.sessions'];
      const before = await sessions();
      const foreign = await jsonCall(stack.local.url, 'POST', '/api/session', undefined, { ticket: bLogin.ticket });
      expect([foreign.status, foreign.contentType]).toEqual([401, PROBLEM]);
      expect(await sessions()).toBe(before);
      const browser = new Browser();
      const atStore = keepLogin(await signInAtStore(stack.local.url, 'user006', browser));
      const own = await redeemAtStore(stack.local.url, atStore.ticket, browser);
      expect(own.status).toBe(200);
      for (const value of browser.cookieValues()) handled.keep('browser cookie', value);
      handled.keep('session cookie', /dtg_session=([^;]+)/.exec(own.headers.get('set-cookie') ?? '')?.[1] ?? '');
      expect((await redeemAtStore(stack.local.url, atStore.ticket, browser)).status).toBe(401);
    });
  });

  describe('response headers', () => {
    const cspOf = (header: string | null) =>
      new Map(
        (header ?? '')
          .split(';')
          .map((part) => part.trim().split(/\s+/))
          .map(([name = '', ...values]) => [name, values]),
      );

    it('when any HTML page of either service is served, then it carries a CSP that nothing may frame, and /metrics is for the metrics token only', async () => {
      const pages: Array<[string, RequestInit?]> = [
        [`${stack.cloud.url}/docs`],
        // A refused sign-in start: the cloud's HTML error page.
        [loginUrl(stack.cloud.url, 'ten_nobody', returnTo()), { headers: { accept: 'text/html' } }],
        [`${stack.local.url}/`],
        [`${stack.local.url}/docs`],
      ];
      for (const [url, init] of pages) {
        const res = await fetch(url, { redirect: 'manual', ...init });
        const csp = cspOf(res.headers.get('content-security-policy'));
        expect([
          url,
          res.headers.get('content-type')?.startsWith('text/html'),
          csp.get('default-src'),
          csp.get('frame-ancestors'),
          res.headers.get('x-frame-options'),
        ]).toEqual([url, true, ["'none'"], ["'none'"], 'DENY']);
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      }
      // The cloud has a METRICS_TOKEN: /metrics is for it alone. The store has none: no /metrics at all.
      for (const [authorization, status] of [
        [undefined, 401],
        ['Bearer not-the-token-0123456789', 401],
        [`Bearer ${METRICS_TOKEN}`, 200],
      ] as const) {
        const res = await fetch(`${stack.cloud.url}/metrics`, { headers: authorization ? { authorization } : {} });
        expect([authorization === undefined ? 'none' : authorization.length, res.status]).toEqual([
          authorization === undefined ? 'none' : authorization.length,
          status,
        ]);
      }
      const store = await fetch(`${stack.local.url}/metrics`);
      expect([store.status, store.headers.get('content-type')?.split(';')[0]]).toEqual([404, PROBLEM]);
    });
  });

  describe('webhook URLs (server-side request forgery)', () => {
    it('when a webhook URL names a metadata, link-local or unspecified address in any spelling, then 400 naming body.webhookUrl on create and on update, and nothing changes', async () => {
      // This stack allows private networks (its store is on 127.0.0.1): these stay refused all the same.
      const attempts = [
        'http://169.254.169.254/latest/meta-data/',
        'http://[::ffff:169.254.169.254]/latest/meta-data/',
        'http://[::ffff:a9fe:a9fe]/',
        'http://[::ffff:0.0.0.0]:3000/webhooks/cloud',
        'http://[64:ff9b::a9fe:a9fe]/',
        'http://[2002:a9fe:a9fe::]/',
        'http://100.100.100.200/latest/meta-data/',
        'http://[::a9fe:a9fe]/',
        'http://[fd00:ec2::254]/latest/meta-data/',
        'http://0.0.0.0:3000/webhooks/cloud',
      ];
      const tenants = cloudCount('Tenant');
      const before = (await stack.admin<{ webhookUrl: string | null }>('GET', `/admin/tenants/${second.id}`)).body.webhookUrl;
      for (const webhookUrl of attempts) {
        const created = await stack.admin<{ errors?: Array<{ path: string }> }>('POST', '/admin/tenants', {
          name: 'SSRF probe',
          corpId: `dingssrf${cloudCount('Tenant')}`,
          appKey: 'ssrf-app-key',
          appSecret: 'ssrf-app-secret-0123456789',
          agentId: 1,
          webhookUrl,
          returnUrls: ['http://127.0.0.1:9/'],
        });
        expect([webhookUrl, created.status, created.body.errors?.map((e) => e.path)]).toEqual([webhookUrl, 400, ['body.webhookUrl']]);
        const updated = await stack.admin<{ errors?: Array<{ path: string }> }>('PATCH', `/admin/tenants/${second.id}`, { webhookUrl });
        expect([webhookUrl, updated.status, updated.body.errors?.map((e) => e.path)]).toEqual([webhookUrl, 400, ['body.webhookUrl']]);
      }
      expect(cloudCount('Tenant')).toBe(tenants);
      expect((await stack.admin<{ webhookUrl: string | null }>('GET', `/admin/tenants/${second.id}`)).body.webhookUrl).toBe(before);
    });
  });

  describe('DingTalk failing at the transport level (timeouts and connection resets)', () => {
    const TRANSPORT_FAULTS: FaultKind[] = ['timeout', 'reset'];
    // The simulator holds a `timeout` this long, then drops the connection (the client's own deadline is 10 s).
    const HOLD_MS = 100;
    afterEach(() => clearFaults(stack.sim.url));

    /** The cloud's cached app token stops working, so its next call must fetch a new one. */
    const revokeAppTokens = async () => {
      const issued = await simControl<IssuedToken[]>(stack.sim.url, 'GET', '/tokens');
      for (const { token } of issued.filter((t) => t.kind === 'app')) await simControl(stack.sim.url, 'POST', '/tokens/revoke', { token });
    };
    const faultsSeen = async (pathPrefix: string) => new Set((await simRequests(stack.sim.url, pathPrefix)).map((entry) => entry.fault).filter(Boolean));

    it('when the token endpoint times out or resets, then a lookup answers 503 problem+json, and works again once DingTalk answers', async () => {
      for (const [kind, userid] of [
        ['timeout', 'user030'],
        ['reset', 'user031'],
      ] as const) {
        // Faults first, then the revocation: a token some background call fetched between the two
        // (the cloud's jobs keep running) would otherwise still be valid and the lookup answer 200.
        await setFaults(stack.sim.url, [{ path: '/v1.0/oauth2/accessToken', kind, holdMs: HOLD_MS }]);
        await revokeAppTokens();
        const res = await cloud('GET', `/v1/users/${userid}`, stack.tenant.apiKey);
        expect([kind, res.status, res.contentType, res.body.code]).toEqual([kind, 503, PROBLEM, 'unavailable']);
        await clearFaults(stack.sim.url);
      }
      expect(await faultsSeen('/v1.0/oauth2/accessToken')).toEqual(new Set(TRANSPORT_FAULTS));
      expect((await cloud('GET', '/v1/users/user030', stack.tenant.apiKey)).status).toBe(200);
      // The 503s were logged with their error (the scan below reads them).
      expect(stack.transcript()).toContain('DingTalkTransportError');
    });

    it('when the code exchange times out or resets, then the browser returns with error=dingtalk_unavailable and no ticket exists', async () => {
      for (const kind of TRANSPORT_FAULTS) {
        const callbackUrl = keepCallback(await consent(await beginLogin(stack.cloud.url, stack.tenant.id, returnTo()), 'user006'));
        await setFaults(stack.sim.url, [{ path: '/v1.0/oauth2/userAccessToken', kind, holdMs: HOLD_MS }]);
        const tickets = cloudCount('LoginTicket');
        const end = await hop(callbackUrl);
        expect([kind, end.status, new URL(end.location ?? 'http://x/').searchParams.get('error')]).toEqual([kind, 302, 'dingtalk_unavailable']);
        expect(cloudCount('LoginTicket')).toBe(tickets);
        await clearFaults(stack.sim.url);
      }
      expect(await faultsSeen('/v1.0/oauth2/userAccessToken')).toEqual(new Set(TRANSPORT_FAULTS));
      expect(stack.transcript()).toContain('login failed after its state was accepted');
    });

    it('when listing departments times out and resets, then the sync job fails, is retried, and finishes once DingTalk answers', async () => {
      const syncState = async (id: string) => ((await cloud('GET', `/v1/directory/sync/${id}`, stack.tenant.apiKey)).body as { status: string }).status;
      // Asking for a sync while one runs returns that one: let an earlier sync finish first.
      const earlier = (await cloud('POST', '/v1/directory/sync', stack.tenant.apiKey, {})).body.id as string;
      await waitFor(async () => (await syncState(earlier)) !== 'running', 'the earlier sync to finish', 60_000);
      await setFaults(stack.sim.url, [
        { path: '/topapi/v2/department/listsub', kind: 'timeout', holdMs: HOLD_MS, times: 2 },
        { path: '/topapi/v2/department/listsub', kind: 'reset' },
      ]);
      const sync = (await cloud('POST', '/v1/directory/sync', stack.tenant.apiKey, {})).body.id as string;
      const failedRun = (line: string) => line.includes('"job failed, will retry"') && line.includes('/topapi/v2/department/listsub');
      await waitFor(() => stack.transcript().split('\n').some(failedRun), 'the sync job to fail on the resets', 30_000);
      expect(await faultsSeen('/topapi/v2/department/listsub')).toEqual(new Set(TRANSPORT_FAULTS));
      await clearFaults(stack.sim.url);
      expect(sync).not.toBe(earlier);
      const status = await waitFor(
        async () => {
          const now = await syncState(sync);
          return now === 'running' ? undefined : now;
        },
        'the retried sync to finish',
        60_000,
      );
      expect(status).toBe('completed');
    }, 150_000);
  });

  describe('org admins and members (issue #17 item 4)', () => {
    it('when a member signs in, then their token may not send to everyone or to departments nor read or recall an admin’s message; the CLI widens the policy at once and issues scoped keys', async () => {
      const tokenOf = async (userid: string) => {
        const login = keepLogin(await signIn(stack.cloud.url, stack.tenant.id, returnTo(), userid));
        return handled.keep('user token', await cloudTokenOf(stack.cloud.url, stack.tenant.apiKey, login.ticket));
      };
      const member = await tokenOf('user020');
      const admin = await tokenOf('user001');
      const send = (token: string, recipients: Record<string, unknown>) =>
        cloud('POST', '/v1/messages', token, { recipients, msg: { msgtype: 'text', text: { content: 'roles' } } });
      const refusedFor = (answer: { status: number; contentType: string; body: Record<string, unknown> }) => [
        answer.status,
        answer.contentType,
        answer.body['code'],
        answer.body['missingPermission'],
      ];

      const messages = cloudCount('Message');
      expect(refusedFor(await send(member, { toAll: true }))).toEqual([403, PROBLEM, 'missing_permission', 'messages:send:everyone']);
      expect(refusedFor(await send(member, { deptIds: [2] }))).toEqual([403, PROBLEM, 'missing_permission', 'messages:send:departments']);
      expect(cloudCount('Message')).toBe(messages);

      const byAdmin = await send(admin, { deptIds: [11] });
      expect(byAdmin.status).toBe(202);
      const adminMessage = byAdmin.body['id'] as string;
      expect(refusedFor(await cloud('GET', `/v1/messages/${adminMessage}`, member))).toEqual([403, PROBLEM, 'missing_permission', 'messages:manage']);
      expect(refusedFor(await cloud('DELETE', `/v1/messages/${adminMessage}`, member))).toEqual([403, PROBLEM, 'missing_permission', 'messages:manage']);
      const own = await send(member, { userIds: ['user021', 'user022'] });
      expect(own.status).toBe(202);
      expect((await cloud('GET', `/v1/messages/${own.body['id'] as string}`, member)).status).toBe(200);
      expect(refusedFor(await cloud('POST', '/v1/directory/sync', member, {}))).toEqual([403, PROBLEM, 'missing_permission', 'directory:sync']);

      // The operator widens the member policy with the CLI (another process, same SQLite file): the next request sees it.
      const widened = await adminCli<{ memberSendPolicy: Record<string, unknown> }>(cliEnv(stack), [
        'tenant',
        'update',
        stack.tenant.id,
        '--member-departments',
        'on',
      ]);
      expect([widened.code, widened.json.memberSendPolicy]).toEqual([0, { enabled: true, maxUserIds: 100, departments: true, toAll: false }]);
      expect((await send(member, { deptIds: [11] })).status).toBe(202);

      const issued = await adminCli<{ key: string; scopes: string[] }>(cliEnv(stack), [
        'apikey',
        'create',
        stack.tenant.id,
        '--name',
        'reader',
        '--scope',
        'messages:read',
      ]);
      expect([issued.code, issued.json.scopes]).toEqual([0, ['messages:read']]);
      const reader = handled.keep('read-only API key', issued.json.key);
      expect(refusedFor(await send(reader, { userIds: ['user021'] }))).toEqual([403, PROBLEM, 'missing_permission', 'messages:send']);
      expect(refusedFor(await cloud('GET', '/v1/events?after=0', reader))).toEqual([403, PROBLEM, 'missing_permission', 'events:read']);
      expect((await cloud('GET', `/v1/messages/${adminMessage}`, reader)).status).toBe(200);
      const badScope = await adminCli(cliEnv(stack), ['apikey', 'create', stack.tenant.id, '--scope', 'everything']);
      expect([badScope.code, badScope.json['code']]).toEqual([2, 'validation_failed']);
    });
  });

  // Last: these spend the budgets of made-up client addresses and of the second tenant.
  describe('rate limits on what anyone may call', () => {
    const startFrom = (address: string, tenantId: string, to: string) =>
      hop(loginUrl(stack.cloud.url, tenantId, to), { headers: { 'x-forwarded-for': address } });

    it('when one address floods the sign-in start, then past its budget 429 with Retry-After and no OAuthState row, and other addresses go on', async () => {
      const states = cloudCount('OAuthState');
      const statuses: number[] = [];
      for (let i = 0; i < 110; i++) statuses.push((await startFrom('203.0.113.66', stack.tenant.id, returnTo())).status);
      expect(statuses.filter((s) => s === 302)).toHaveLength(100);
      expect(statuses.slice(100)).toEqual(Array(10).fill(429));
      const refused = await fetch(loginUrl(stack.cloud.url, stack.tenant.id, returnTo()), {
        redirect: 'manual',
        headers: { 'x-forwarded-for': '203.0.113.66', accept: 'text/html' },
      });
      expect([refused.status, refused.headers.get('content-type')?.split(';')[0], refused.headers.get('location')]).toEqual([429, 'text/html', null]);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      const json = await jsonCall(
        stack.cloud.url,
        'GET',
        `/auth/dingtalk?tenant=${stack.tenant.id}&returnTo=${encodeURIComponent(returnTo())}`,
        undefined,
        undefined,
        { 'x-forwarded-for': '203.0.113.66' },
      );
      expect([json.status, json.contentType, json.body.code]).toEqual([429, PROBLEM, 'rate_limited']);
      expect(cloudCount('OAuthState')).toBe((states ?? 0) + 100);
      expect((await startFrom('203.0.113.67', stack.tenant.id, returnTo())).status).toBe(302);
    });

    it('when many addresses flood one tenant’s sign-in start, then past the tenant’s budget 429 for it alone', async () => {
      const statuses: number[] = [];
      for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) {
        for (let i = 0; i < 90; i++) statuses.push((await startFrom(address, second.id, second.returnTo)).status);
      }
      const firstRefusal = statuses.indexOf(429);
      // 300 a minute for the tenant, the few earlier sign-ins of this file included.
      expect(firstRefusal).toBeGreaterThan(290);
      expect(firstRefusal).toBeLessThanOrEqual(300);
      expect(statuses.slice(0, firstRefusal).every((s) => s === 302)).toBe(true);
      expect(statuses.slice(firstRefusal).every((s) => s === 429)).toBe(true);
      const refused = await jsonCall(
        stack.cloud.url,
        'GET',
        `/auth/dingtalk?tenant=${second.id}&returnTo=${encodeURIComponent(second.returnTo)}`,
        undefined,
        undefined,
        { 'x-forwarded-for': '198.51.100.5' },
      );
      expect([refused.status, refused.body.detail]).toEqual([429, expect.stringContaining('organisation')]);
      expect((await startFrom('198.51.100.6', stack.tenant.id, returnTo())).status).toBe(302);
    });

    it('when one address redeems made-up tickets at the store in a flood, then past its budget 429 and the store stops asking the cloud', async () => {
      const lookups = async () => {
        const text = await (await fetch(`${stack.cloud.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
        return [...text.matchAll(/http_request_duration_seconds_count\{[^}]*route="\/v1\/login-tickets\/:ticket"[^}]*\} (\d+)/g)].reduce(
          (sum, m) => sum + Number(m[1]),
          0,
        );
      };
      const before = await lookups();
      const statuses: number[] = [];
      for (let i = 0; i < 65; i++) {
        const ticket = handled.keep('made-up ticket', randomBytes(32).toString('base64url'));
        statuses.push((await jsonCall(stack.local.url, 'POST', '/api/session', undefined, { ticket }, { 'x-forwarded-for': '203.0.113.88' })).status);
      }
      expect(statuses.filter((s) => s === 401)).toHaveLength(60);
      expect(statuses.slice(60)).toEqual(Array(5).fill(429));
      expect((await lookups()) - before).toBe(60);
      // Another address is still heard (and costs a lookup).
      expect(
        (
          await jsonCall(
            stack.local.url,
            'POST',
            '/api/session',
            undefined,
            { ticket: randomBytes(32).toString('base64url') },
            { 'x-forwarded-for': '203.0.113.89' },
          )
        ).status,
      ).toBe(401);
    });
  });

  it('when all of the above ran at LOG_LEVEL=debug, then no ticket, code, state, token, key or secret appears in any service’s output', async () => {
    // Ticket lookups happened (the store asked the cloud) and were logged by their route pattern.
    expect(stack.transcript()).toContain('"path":"/v1/login-tickets/:ticket"');
    await expectCleanLogs(stack, handled);
  });
});

// "Sign in with DingTalk" across real processes: a browser (fetch, manual redirects) goes cloud →
// simulator's login page → cloud callback → local store, which turns the one-time ticket into a
// session. Every refusal must end in a clear error and leave nothing behind in the local store.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MeResponseSchema, SessionResponseSchema, UserProfileSchema, type UserProfile } from '@dtg/contracts';
import { DEMO } from '@dtg/dingtalk-sim';
import { beginLogin, consent, hop, loginStartUrl, redeemAtStore, returnParams, sessionCookie, signIn } from './support/browser';
import { call, count, ROOT, type Stack, startStack, waitFor } from '@dtg/testkit';
import { demoOrg } from './support/demo-org';

const CLOCK_SKEW = path.join(ROOT, 'apps/system-e2e/test/support/clock-skew.mjs');
import { cloudEvents, localRows, type LocalRows } from './support/tenant-state';

/** The profile the local store must show for a demo-org member, from the simulator's fixture. */
async function fixtureProfile(stack: Stack, userid: string): Promise<UserProfile> {
  const profile = (await demoOrg(stack)).profiles.get(userid);
  if (!profile) throw new Error(`${userid} is not in the demo fixture`);
  return profile;
}

/** POST /api/session from the test's browser (the one that started the logins: its binding cookies go along). */
async function createSession(stack: Stack, ticket: string) {
  const res = await redeemAtStore(stack.local.url, ticket);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as unknown, res };
}

describe('sign in with DingTalk across real processes (push)', () => {
  let stack: Stack;
  let dir: string;
  const returnTo = () => `${stack.local.url}/`;

  beforeAll(async () => {
    // The cloud's SQLite file is ours to name, so the expired-state test can age a state in it. Its
    // clock runs 90 s behind the local store's (as if the store's ran ahead): ticket expiry must not
    // depend on the two agreeing.
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-login-'));
    stack = await startStack({
      cloudEnv: { CLOUD_DATABASE_URL: `file:${path.join(dir, 'cloud.db')}`, NODE_OPTIONS: `--import ${CLOCK_SKEW}`, CLOCK_SKEW_MS: String(-90_000) },
    });
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Nothing new on either side: no login event at the cloud, no session, ticket or user row locally. */
  async function expectNothingCreated(before: LocalRows): Promise<void> {
    const logins = (await cloudEvents(stack, before.seq)).filter((e) => e.type === 'user.authenticated' || e.type === 'user.upserted');
    expect(logins).toEqual([]);
    expect(await localRows(stack)).toEqual(before);
  }

  it('when a member signs in (the cloud’s clock 90 s behind the store’s), then the local store opens a session with their org profile and the cloud token works on the cloud', async () => {
    const callback = await signIn(stack, { userid: 'user002' });
    expect(callback.location?.startsWith(returnTo())).toBe(true);
    const ticket = returnParams(callback).get('ticket');
    expect(ticket).toBeTruthy();
    // The skew is real: the cloud stamped its login event 90 s in the local store's past.
    const stamped = (await cloudEvents(stack)).find((e) => e.type === 'user.authenticated')?.occurredAt ?? '';
    expect(Date.now() - Date.parse(stamped)).toBeGreaterThan(80_000);

    // Redeemed at once, racing the push of user.authenticated: either path must give the session.
    const created = await createSession(stack, ticket ?? '');
    expect(created.status).toBe(200);
    const session = SessionResponseSchema.parse(created.body);
    const cookie = sessionCookie(created.res);
    expect(cookie).toBeDefined();
    expect(created.res.headers.get('set-cookie')).toMatch(/HttpOnly/i);

    const expected = await fixtureProfile(stack, 'user002');
    expect(session.user).toEqual(expected);
    const me = await call(stack.local.url, 'GET', '/api/me', { cookie });
    expect(me.status).toBe(200);
    expect(MeResponseSchema.parse(me.body).user).toEqual(expected);
    expect(await count(stack.pg, 'sessions WHERE userid = $1', ['user002'])).toBe(1);

    const onCloud = await call(stack.cloud.url, 'GET', '/v1/users/user003', { token: session.cloudToken });
    expect(onCloud.status).toBe(200);
    expect(UserProfileSchema.parse(onCloud.body)).toEqual(await fixtureProfile(stack, 'user003'));
    expect(new Date(session.cloudTokenExpiresAt).getTime()).toBeGreaterThan(Date.now());

    // The same ticket again (a reload, a stolen URL): refused, and no second session.
    const reused = await createSession(stack, ticket ?? '');
    expect(reused.status).toBe(401);
    expect(reused.res.headers.get('content-type')).toContain('application/problem+json');
    expect(sessionCookie(reused.res)).toBeUndefined();
    expect(await count(stack.pg, 'sessions')).toBe(1);
    expect(await count(stack.pg, 'login_tickets WHERE redeemed_at IS NOT NULL')).toBe(1);

    const loggedOut = await call(stack.local.url, 'POST', '/api/logout', { cookie });
    expect(loggedOut.status).toBe(204);
    expect((await call(stack.local.url, 'GET', '/api/me', { cookie })).status).toBe(401);
  });

  it('when the person denies consent, then returnTo gets error=access_denied and nothing is created', async () => {
    const before = await localRows(stack);
    const callback = await signIn(stack, { userid: 'user004', decision: 'deny' });
    const params = returnParams(callback);
    expect(callback.location?.startsWith(returnTo())).toBe(true);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('ticket')).toBeNull();
    await expectNothingCreated(before);
  });

  it('when the state is forged, then the cloud answers a 400 page (no redirect) and nothing is created', async () => {
    const before = await localRows(stack);
    const callbackUrl = new URL(await consent(await beginLogin(stack), { userid: 'user005' }));
    callbackUrl.searchParams.set('state', 'forged-state-0123456789abcdefghijklmnop');
    const page = await hop(callbackUrl.toString());
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.text).toContain('unknown or forged state');
    await expectNothingCreated(before);
  });

  it('when the callback is replayed, then the spent state is refused and only the first login counts', async () => {
    const first = await signIn(stack, { userid: 'user006' });
    expect(returnParams(first).get('ticket')).toBeTruthy();
    const before = await localRows(stack);
    const replay = await hop(first.callbackUrl);
    expect(replay.status).toBe(400);
    expect(replay.location).toBeNull();
    expect(replay.text).toContain('already used');
    await expectNothingCreated(before);
  });

  it('when the state has expired before the callback, then the cloud refuses it and nothing is created', async () => {
    // The cloud runs on the real clock in its own process: instead of moving time, age this one
    // state in the cloud's database past its 10 minutes (the in-process clock test is in
    // apps/cloud-gateway/test/login.test.ts).
    const before = await localRows(stack);
    const authorizeUrl = await beginLogin(stack);
    const state = new URL(authorizeUrl).searchParams.get('state') ?? '';
    const cloudDb = new Database(path.join(dir, 'cloud.db'));
    try {
      cloudDb.pragma('busy_timeout = 5000');
      // An hour back: well past the state's 10 minutes on the cloud's clock, which runs behind.
      const aged = cloudDb
        .prepare('UPDATE OAuthState SET expiresAt = ? WHERE id = ?')
        .run(Date.now() - 3_600_000, createHash('sha256').update(state).digest('hex'));
      expect(aged.changes).toBe(1);
    } finally {
      cloudDb.close();
    }
    const page = await hop(await consent(authorizeUrl, { userid: 'user007' }));
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.text).toContain('expired');
    await expectNothingCreated(before);
  });

  it('when returnTo is not on the tenant’s allowlist, then 400 with no redirect, for browsers and API clients', async () => {
    const before = await localRows(stack);
    for (const returnTo of ['http://evil.example/', stack.local.url, `${stack.local.url}/other`, `${stack.local.url}/?next=x`]) {
      const page = await hop(loginStartUrl(stack, returnTo));
      expect(page.status).toBe(400);
      expect(page.location).toBeNull();
      expect(page.text).toContain('returnTo is not one of the tenant');
    }
    const api = await call(stack.cloud.url, 'GET', `/auth/dingtalk?${new URLSearchParams({ tenant: stack.tenant.id, returnTo: 'http://evil.example/' })}`);
    expect(api.status).toBe(400);
    expect(api.res.headers.get('content-type')).toContain('application/problem+json');
    await expectNothingCreated(before);
  });

  it('when someone outside the org signs in (outsider01), then returnTo gets error=not_in_org and no user or session exists for them', async () => {
    const before = await localRows(stack);
    const callback = await signIn(stack, { userid: DEMO.outsiderId });
    const params = returnParams(callback);
    expect(params.get('error')).toBe('not_in_org');
    expect(params.get('ticket')).toBeNull();
    await expectNothingCreated(before);
    expect(await count(stack.pg, 'users WHERE userid = $1 OR union_id = $2', [DEMO.outsiderId, `union-${DEMO.outsiderId}`])).toBe(0);
  });

  it('when a ticket is unknown, then 401 and no session', async () => {
    const before = await localRows(stack);
    const unknown = await createSession(stack, 'not-a-ticket-0123456789abcdefghijkl');
    expect(unknown.status).toBe(401);
    expect(sessionCookie(unknown.res)).toBeUndefined();
    await expectNothingCreated(before);
  });
});

describe('sign in with DingTalk when the local store only pulls', () => {
  let stack: Stack;

  beforeAll(async () => {
    // A pull period far longer than the test: the ticket can only reach the store by asking the cloud.
    stack = await startStack({ deliveryMode: 'pull', localEnv: { PULL_INTERVAL: '1h' } });
  }, 90_000);
  afterAll(() => stack?.close());

  it('when nothing is pushed, then the ticket is fetched from the cloud, redeemed once, and the later pull does not revive it', async () => {
    const ticket = returnParams(await signIn(stack, { userid: 'user010' })).get('ticket') ?? '';
    const created = await createSession(stack, ticket);
    expect(created.status).toBe(200);
    expect(SessionResponseSchema.parse(created.body).user.userid).toBe('user010');
    const cookie = sessionCookie(created.res);
    expect(MeResponseSchema.parse((await call(stack.local.url, 'GET', '/api/me', { cookie })).body).user.name).toBe(
      (await fixtureProfile(stack, 'user010')).name,
    );
    expect(await count(stack.pg, "processed_events WHERE type = 'user.authenticated'")).toBe(0);

    // A restart pulls everything, user.authenticated with this ticket included: still spent.
    await stack.local.restart();
    await waitFor(async () => (await count(stack.pg, "processed_events WHERE type = 'user.authenticated'")) === 1, 'the login event pulled');
    expect((await createSession(stack, ticket)).status).toBe(401);
    expect(await count(stack.pg, 'sessions')).toBe(1);
    expect((await call(stack.local.url, 'GET', '/api/me', { cookie })).status).toBe(200);
  });
});

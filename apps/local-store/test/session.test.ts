import { MeResponseSchema, SessionResponseSchema } from '@dtg/contracts';
import { ProblemSchema, sha256Hex } from '@dtg/service-kit';
import request from 'supertest';
import { event, loginTicket, TENANT_ID, user } from './support/events';
import { startFakeCloud, type FakeCloud } from './support/fake-cloud';
import { startTestStore, type TestStore } from './support/test-store';
import { sweepExpired } from '../src/features/session/session-sweeper';
import { startLogin } from './support/browser-login';
import { waitFor } from '@dtg/testkit';

let cloud: FakeCloud;
let store: TestStore;
let seq = 0;

beforeAll(async () => {
  cloud = await startFakeCloud();
  store = await startTestStore({ cloudUrl: cloud.url, env: { SESSION_TTL: '2h' } });
});
afterAll(async () => {
  await store.close();
  await cloud.close();
});

const ticketValue = (name: string) => `ticket-${name}-${'x'.repeat(24)}`;

/** A login started at the store by a browser (its binding cookie: `browser`), finished at the cloud, pushed. */
async function pushTicket(name: string, profile = user(name), ttlMs = 60_000) {
  const started = await startLogin(store.app);
  const login = loginTicket(ticketValue(name), profile, { ttlMs, binding: started.binding });
  seq += 1;
  expect((await store.push(event('user.authenticated', seq, login.data))).body.status).toBe('applied');
  return { ...login, browser: started.cookie };
}

/** Time passes for one ticket: its expiry, on this database's clock, is moved into the past. */
async function expire(ticket: string) {
  await store.database.db.sql.query("UPDATE login_tickets SET expires_at = now() - interval '1 second' WHERE ticket_hash = $1", [sha256Hex(ticket)]);
}

/** POST /api/session from the browser whose cookies are `browser` (none: a browser that started no login). */
const signIn = (ticket: string, browser?: string) => {
  const post = request(store.app).post('/api/session');
  return (browser ? post.set('cookie', browser) : post).send({ ticket });
};
const sessionCount = async () => (await store.rowCounts()).sessions;

function sessionCookie(res: request.Response): string {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((line) => line.startsWith('dtg_session='));
  if (!header) throw new Error('no dtg_session cookie was set');
  return header;
}

function expectUnauthorized(res: request.Response) {
  expect(res.status).toBe(401);
  expect(ProblemSchema.parse(res.body).code).toBe('unauthorized');
  expect(res.headers['set-cookie']).toBeUndefined();
}

describe('sessions from login tickets', () => {
  it('when a pushed ticket is redeemed, then a session cookie is set and /api/me answers with the user', async () => {
    const ticket = await pushTicket('dana', user('dana', { name: 'Dana', admin: true }));
    const res = await signIn(ticket.ticket, ticket.browser);
    expect(res.status).toBe(200);
    const body = SessionResponseSchema.parse(res.body);
    expect(body).toEqual({
      user: expect.objectContaining({ userid: 'dana', name: 'Dana' }),
      cloudToken: ticket.cloudToken,
      cloudTokenExpiresAt: ticket.data.login.cloudTokenExpiresAt,
    });
    const cookie = sessionCookie(res);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)?.[1] ?? '');
    expect(expires - Date.now()).toBeGreaterThan(2 * 3_600_000 - 60_000);

    const me = await request(store.app)
      .get('/api/me')
      .set('cookie', cookie.split(';')[0] ?? '');
    expect(me.status).toBe(200);
    expect(MeResponseSchema.parse(me.body).user.userid).toBe('dana');
    const [stored] = await store.database.db.sql.query<{ id_hash: string }>('SELECT id_hash FROM sessions');
    expect(cookie).not.toContain(stored?.id_hash);
  });

  it('when a browser starts a login, then it gets an httpOnly binding cookie and is sent to the cloud with the cookie’s hash and this store as returnTo', async () => {
    const res = await request(store.app).get('/auth/login').set('host', 'store.example:3000');
    expect(res.status).toBe(302);
    expect(res.headers['cache-control']).toBe('no-store');
    const location = new URL(String(res.headers['location']));
    expect(location.origin + location.pathname).toBe(`${cloud.url}/auth/dingtalk`);
    const [cookie, ...others] = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(others).toEqual([]);
    const [pair = '', ...attributes] = (cookie ?? '').split('; ');
    const [name = '', value = ''] = pair.split('=');
    expect(Object.fromEntries(location.searchParams)).toEqual({ tenant: TENANT_ID, returnTo: 'http://store.example:3000/', binding: sha256Hex(value) });
    expect(name).toBe(`dtg_bind_${sha256Hex(value).slice(0, 16)}`);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=600']));
  });

  it('when LOCAL_PUBLIC_URL is set, then logins return there whatever Host the request named', async () => {
    const published = await startTestStore({ cloudUrl: cloud.url, env: { LOCAL_PUBLIC_URL: 'https://store.acme.example/' } });
    try {
      const res = await request(published.app).get('/auth/login').set('host', 'evil.example');
      expect(new URL(String(res.headers['location'])).searchParams.get('returnTo')).toBe('https://store.acme.example/');
    } finally {
      await published.close();
    }
  });

  it('when a ticket is brought by a browser that did not start its login (login CSRF), then 403, no session, and the ticket still works in the right browser', async () => {
    const attackers = await pushTicket('mallory');
    const victim = await startLogin(store.app);
    const before = await store.rowCounts();
    for (const browser of [undefined, victim.cookie, `${victim.cookie.split('=')[0]}=forged-binding-value`]) {
      const refused = await signIn(attackers.ticket, browser);
      expect([browser, refused.status]).toEqual([browser, 403]);
      expect(ProblemSchema.parse(refused.body)).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('started in another browser') });
      expect(refused.headers['set-cookie']).toBeUndefined();
    }
    expect(await store.rowCounts()).toEqual(before);
    const own = await signIn(attackers.ticket, attackers.browser);
    expect(own.status).toBe(200);
    // The binding cookie is spent with the ticket.
    expect(([] as string[]).concat(own.headers['set-cookie'] ?? []).find((line) => line.startsWith(attackers.browser.split('=')[0] ?? '-'))).toMatch(
      /Expires=Thu, 01 Jan 1970/,
    );
  });

  it('when a ticket carries no binding (a login not started at this store), then 403 and nothing is created', async () => {
    const login = loginTicket(ticketValue('unbound'), user('unbound'));
    seq += 1;
    expect((await store.push(event('user.authenticated', seq, login.data))).body.status).toBe('applied');
    const browser = await startLogin(store.app);
    const before = await store.rowCounts();
    expect((await signIn(login.ticket, browser.cookie)).status).toBe(403);
    expect(await store.rowCounts()).toEqual(before);
  });

  it('when a ticket is redeemed a second time, then 401 and no second session', async () => {
    const ticket = await pushTicket('erin');
    expect((await signIn(ticket.ticket, ticket.browser)).status).toBe(200);
    const before = await sessionCount();
    expectUnauthorized(await signIn(ticket.ticket, ticket.browser));
    expect(await sessionCount()).toBe(before);
  });

  it('when the same ticket is redeemed concurrently, then exactly one request wins', async () => {
    const ticket = await pushTicket('fritz');
    const results = await Promise.all(Array.from({ length: 5 }, () => signIn(ticket.ticket, ticket.browser)));
    expect(results.map((res) => res.status).sort()).toEqual([200, 401, 401, 401, 401]);
  });

  it('when the ticket has expired, then 401 and nothing is created', async () => {
    const ticket = await pushTicket('gina', user('gina'));
    await expire(ticket.ticket);
    const before = await sessionCount();
    expectUnauthorized(await signIn(ticket.ticket, ticket.browser));
    expect(await sessionCount()).toBe(before);
  });

  it('when the ticket is unknown here and at the cloud, then 401 and nothing is created', async () => {
    const before = await store.rowCounts();
    expectUnauthorized(await signIn(ticketValue('nobody')));
    expect(await store.rowCounts()).toEqual(before);
    expect(cloud.requests).toContain(`GET /v1/login-tickets/${ticketValue('nobody')}`);
  });

  it('when the ticket has not been pushed yet, then it is fetched from the cloud and redeemed once', async () => {
    const started = await startLogin(store.app);
    const ticket = { ...loginTicket(ticketValue('hugo'), user('hugo', { name: 'Hugo' }), { binding: started.binding }), browser: started.cookie };
    cloud.tickets.set(ticket.ticket, ticket.data);
    const res = await signIn(ticket.ticket, ticket.browser);
    expect(res.status).toBe(200);
    expect(SessionResponseSchema.parse(res.body).user.name).toBe('Hugo');
    expectUnauthorized(await signIn(ticket.ticket, ticket.browser));

    // The event arriving afterwards must not make the ticket usable again.
    seq += 1;
    expect((await store.push(event('user.authenticated', seq, ticket.data))).body.status).toBe('applied');
    expectUnauthorized(await signIn(ticket.ticket, ticket.browser));
  });

  it('when the cloud answers a ticket of another ticket (its hash differs), then 401 and nothing is created', async () => {
    const genuine = loginTicket(ticketValue('hanna'), user('hanna'));
    cloud.tickets.set(ticketValue('hanna-alias'), genuine.data);
    const before = await store.rowCounts();
    expectUnauthorized(await signIn(ticketValue('hanna-alias')));
    expect(await store.rowCounts()).toEqual(before);
  });

  it('when a ticket arrives, then it is redeemable for its TTL from its arrival on this database’s clock, whatever the cloud’s clock said', async () => {
    // The event was stamped by a cloud whose clock is ten minutes behind this store's: the TTL still counts from arrival.
    const started = await startLogin(store.app);
    const login = { ...loginTicket(ticketValue('clock'), user('clock'), { binding: started.binding }), browser: started.cookie };
    seq += 1;
    const stale = new Date(Date.now() - 10 * 60_000).toISOString();
    expect((await store.push(event('user.authenticated', seq, login.data, { occurredAt: stale }))).body.status).toBe('applied');
    const [row] = await store.database.db.sql.query<{ left_ms: number }>(
      'SELECT extract(epoch FROM expires_at - now()) * 1000 AS left_ms FROM login_tickets WHERE ticket_hash = $1',
      [sha256Hex(login.ticket)],
    );
    expect(Number(row?.left_ms)).toBeGreaterThan(50_000);
    expect(Number(row?.left_ms)).toBeLessThanOrEqual(60_000);
    expect((await signIn(login.ticket, login.browser)).status).toBe(200);
  });

  it('when a ticket is stored and redeemed, then no column holds the cloud token or the ticket, and the sealed token is dropped at redemption', async () => {
    const login = await pushTicket('olga');
    const table = async () => JSON.stringify(await store.database.db.sql.query('SELECT * FROM login_tickets'));
    expect(await table()).not.toContain(login.cloudToken);
    expect(await table()).not.toContain(login.ticket);
    expect((await signIn(login.ticket, login.browser)).body.cloudToken).toBe(login.cloudToken);
    const [row] = await store.database.db.sql.query<{ sealed_cloud_token: string | null; redeemed_at: Date | null }>(
      'SELECT sealed_cloud_token, redeemed_at FROM login_tickets WHERE ticket_hash = $1',
      [sha256Hex(login.ticket)],
    );
    expect(row?.sealed_cloud_token).toBeNull();
    expect(row?.redeemed_at).not.toBeNull();
  });

  it('when the sweep runs, then expired login tickets are deleted and live ones stay', async () => {
    const expired = await pushTicket('pia');
    const live = await pushTicket('quinn');
    await expire(expired.ticket);
    expect((await sweepExpired(store.database.db)).loginTickets).toBeGreaterThanOrEqual(1);
    const hashes = (await store.database.db.sql.query<{ ticket_hash: string }>('SELECT ticket_hash FROM login_tickets')).map((r) => r.ticket_hash);
    expect(hashes).not.toContain(sha256Hex(expired.ticket));
    expect(hashes).toContain(sha256Hex(live.ticket));
  });

  it('when an event from before tickets were sealed arrives, then a scrubbed one (login: null) updates the profile only, and one with a plaintext ticket and token is parked, not stored', async () => {
    seq += 1;
    expect((await store.push(event('user.authenticated', seq, { user: user('rita', { name: 'Rita' }), login: null }))).body.status).toBe('applied');
    const [rita] = await store.database.db.sql.query<{ name: string }>("SELECT name FROM users WHERE userid = 'rita'");
    expect(rita?.name).toBe('Rita');

    const before = await store.rowCounts();
    const legacy = {
      ticket: ticketValue('sam'),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      user: user('sam'),
      cloudToken: 'dtgu_legacy-plaintext-token-0123456789',
      cloudTokenExpiresAt: new Date().toISOString(),
    };
    seq += 1;
    expect((await store.push({ ...event('user.authenticated', seq, legacy as never) })).body.status).toBe('parked');
    const after = await store.rowCounts();
    expect([after.login_tickets, after.dead_events]).toEqual([before.login_tickets, before.dead_events + 1]);
    expectUnauthorized(await signIn(ticketValue('sam')));
  });

  it('when the cloud cannot be asked about an unpushed ticket, then 502 and nothing is created', async () => {
    cloud.down = true;
    try {
      const before = await store.rowCounts();
      const res = await signIn(ticketValue('ivan'));
      expect(res.status).toBe(502);
      expect(ProblemSchema.parse(res.body).code).toBe('upstream_error');
      expect(await store.rowCounts()).toEqual(before);
    } finally {
      cloud.down = false;
    }
  });

  it('when the user was removed after logging in, then their sessions end with the event; a late, older removal does not end a newer sign-in', async () => {
    const ticket = await pushTicket('jack');
    const cookie = sessionCookie(await signIn(ticket.ticket, ticket.browser)).split(';')[0] ?? '';
    expect((await request(store.app).get('/api/me').set('cookie', cookie)).status).toBe(200);
    const sessionsOf = async (userid: string) =>
      Number((await store.database.db.sql.query<{ n: string }>('SELECT count(*) AS n FROM sessions WHERE userid = $1', [userid]))[0]?.n);
    expect(await sessionsOf('jack')).toBe(1);
    seq += 1;
    await store.push(event('user.removed', seq, { userids: ['jack'] }));
    expect(await sessionsOf('jack')).toBe(0);
    expectUnauthorized(await request(store.app).get('/api/me').set('cookie', cookie));

    // Jack comes back (a newer upsert) and signs in; the removal arriving again, out of order, changes nothing.
    const removedAt = seq;
    seq += 1;
    await store.push(event('user.upserted', seq, { users: [user('jack')] }));
    const back = await pushTicket('jack-again', user('jack'));
    expect((await signIn(back.ticket, back.browser)).status).toBe(200);
    await store.push(event('user.removed', removedAt, { userids: ['jack'] }, { id: 'evt_late_removal' }));
    expect(await sessionsOf('jack')).toBe(1);
  });

  it('when signing out, then the cloud token handed out with the session is revoked at the cloud; while the cloud is down the revocation is kept and retried', async () => {
    const revocations = () =>
      store.database.db.sql.query<{ token_id: string; attempts: number; last_error: string | null }>(
        'SELECT token_id, attempts, last_error FROM cloud_token_revocations',
      );
    const online = await pushTicket('ulla');
    const cookie = sessionCookie(await signIn(online.ticket, online.browser)).split(';')[0] ?? '';
    expect((await request(store.app).post('/api/logout').set('cookie', cookie)).status).toBe(204);
    await waitFor(() => cloud.revokedTokens.includes(online.data.login.cloudTokenId), 'the revocation sent');
    await waitFor(async () => (await revocations()).length === 0, 'the revocation confirmed');

    const offline = await pushTicket('vera');
    const offlineCookie = sessionCookie(await signIn(offline.ticket, offline.browser)).split(';')[0] ?? '';
    cloud.down = true;
    try {
      expect((await request(store.app).post('/api/logout').set('cookie', offlineCookie)).status).toBe(204);
      await waitFor(async () => (await revocations())[0]?.attempts === 1, 'a failed attempt');
      expect(await revocations()).toEqual([{ token_id: offline.data.login.cloudTokenId, attempts: 1, last_error: expect.stringContaining('503') }]);
    } finally {
      cloud.down = false;
    }
    // Its backoff has passed (moved, instead of waited for): the next run sends it.
    await store.database.db.sql.query('UPDATE cloud_token_revocations SET next_attempt_at = now()');
    await store.services.revoker.runOnce();
    expect(cloud.revokedTokens).toContain(offline.data.login.cloudTokenId);
    expect(await revocations()).toEqual([]);
  });

  it('when signing out, then the session row is deleted, the cookie cleared and /api/me is 401', async () => {
    const ticket = await pushTicket('kim');
    const cookie = sessionCookie(await signIn(ticket.ticket, ticket.browser)).split(';')[0] ?? '';
    const before = await sessionCount();
    const out = await request(store.app).post('/api/logout').set('cookie', cookie);
    expect(out.status).toBe(204);
    expect(sessionCookie(out)).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await sessionCount()).toBe(before - 1);
    expectUnauthorized(await request(store.app).get('/api/me').set('cookie', cookie));
    expect((await request(store.app).post('/api/logout')).status).toBe(204);
  });

  it('when there is no or a forged cookie, then /api/me is 401', async () => {
    expectUnauthorized(await request(store.app).get('/api/me'));
    expectUnauthorized(await request(store.app).get('/api/me').set('cookie', 'dtg_session=forged-value'));
  });

  it('when the ticket field is missing or too short, then 400 naming the field and nothing is created', async () => {
    const before = await store.rowCounts();
    const res = await request(store.app).post('/api/session').set('x-request-id', 'req-bad-ticket').send({ ticket: 'short' });
    expect(res.status).toBe(400);
    const problem = ProblemSchema.parse(res.body);
    expect(problem).toMatchObject({ code: 'validation_failed', requestId: 'req-bad-ticket' });
    expect(problem.errors?.map((error) => error.path)).toEqual(['body.ticket']);
    expect(await store.rowCounts()).toEqual(before);
  });

  it('when an admin signs in, then the dead-event list is open to the session; a non-admin gets 403', async () => {
    const [lena, mo] = [await pushTicket('lena', user('lena', { admin: true })), await pushTicket('mo', user('mo', { admin: false }))];
    const admin = sessionCookie(await signIn(lena.ticket, lena.browser)).split(';')[0] ?? '';
    const member = sessionCookie(await signIn(mo.ticket, mo.browser)).split(';')[0] ?? '';
    expect((await request(store.app).get('/api/admin/dead-events').set('cookie', admin)).status).toBe(200);
    const denied = await request(store.app).get('/api/admin/dead-events').set('cookie', member);
    expect(denied.status).toBe(403);
    expect(ProblemSchema.parse(denied.body).code).toBe('forbidden');
  });
});

describe('secure cookies', () => {
  it('when COOKIE_SECURE=true, then the binding and session cookies are marked Secure', async () => {
    const secureStore = await startTestStore({ env: { COOKIE_SECURE: 'true' } });
    try {
      const started = await request(secureStore.app).get('/auth/login');
      const binding = ([] as string[]).concat(started.headers['set-cookie'] ?? []).find((line) => line.startsWith('dtg_bind_')) ?? '';
      expect(binding).toMatch(/; Secure/);
      const login = loginTicket(ticketValue('nina'), user('nina'), { binding: new URL(String(started.headers['location'])).searchParams.get('binding') ?? '' });
      await secureStore.push(event('user.authenticated', 1, login.data));
      const res = await request(secureStore.app)
        .post('/api/session')
        .set('cookie', binding.split(';')[0] ?? '')
        .send({ ticket: login.ticket });
      expect(sessionCookie(res)).toMatch(/; Secure/);
    } finally {
      await secureStore.close();
    }
  });
});

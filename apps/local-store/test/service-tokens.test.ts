// Service tokens end to end over HTTP on a real Postgres: issued by an admin, shown once, hashed,
// scoped, expiring, revocable; and the same scope rules for console sessions.
import { IssuedServiceTokenSchema, ServiceTokenListSchema, ServiceTokenSchema, UsersPageSchema } from '@dtg/contracts';
import { ProblemSchema, sha256Hex } from '@dtg/service-kit';
import request from 'supertest';
import { user, userUpserted } from './support/events';
import { signedInCookie } from './support/session-helper';
import { startTestStore, type TestStore } from './support/test-store';

const ADMIN_TOKEN = 'local-admin-token-for-tests-0123';

let store: TestStore;
let adminCookie: string;
let memberCookie: string;

beforeAll(async () => {
  store = await startTestStore({ env: { LOCAL_ADMIN_TOKEN: ADMIN_TOKEN } });
  adminCookie = await signedInCookie(store, 1, 'boss', { admin: true });
  memberCookie = await signedInCookie(store, 2, 'member', { admin: false });
  await store.push(userUpserted(3, user('u001'), user('u002')));
});
afterAll(() => store.close());

const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });
const issue = (body: unknown, auth: Record<string, string> = asBearer(ADMIN_TOKEN)) =>
  request(store.app)
    .post('/api/tokens')
    .set(auth)
    .send(body as object);

async function issued(scopes: string[], extra: Record<string, unknown> = {}) {
  const res = await issue({ name: `svc ${scopes.join('+')}`, scopes, ...extra });
  expect(res.status).toBe(201);
  return IssuedServiceTokenSchema.parse(res.body);
}

const problem = (res: request.Response) => ProblemSchema.parse(res.body);

describe('issuing service tokens', () => {
  it('when an admin issues a token, then the secret is shown once and only its hash is stored', async () => {
    const { token, secret } = await issued(['directory:read'], { expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(secret).toMatch(/^dtgs_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'svc directory:read', scopes: ['directory:read'], createdBy: 'local-admin', lastUsedAt: null, revokedAt: null });
    expect(secret.startsWith(token.prefix)).toBe(true);
    const rows = await store.database.db.sql.query<{ token_hash: string }>('SELECT token_hash FROM service_tokens WHERE id = $1', [token.id]);
    expect(rows).toEqual([{ token_hash: sha256Hex(secret) }]);
    const listed = ServiceTokenListSchema.parse((await request(store.app).get('/api/tokens').set('cookie', adminCookie)).body);
    expect(listed.items.find((item) => item.id === token.id)).toEqual(token);
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('when an org admin issues one from the console, then it names the admin as its author', async () => {
    const res = await issue({ name: 'from console', scopes: ['messages:read'] }, { cookie: adminCookie });
    expect(res.status).toBe(201);
    expect(IssuedServiceTokenSchema.parse(res.body).token.createdBy).toBe('boss');
  });

  it.each([
    [{ name: 'x', scopes: ['directory:write'] }, 'body.scopes.0'],
    [{ name: 'x', scopes: [] }, 'body.scopes'],
    [{ name: 'x', scopes: ['directory:read', 'directory:read'] }, 'body.scopes'],
    [{ name: '  ', scopes: ['directory:read'] }, 'body.name'],
    [{ name: 'x', scopes: ['directory:read'], expiresAt: new Date(Date.now() - 1000).toISOString() }, 'body.expiresAt'],
    [{ name: 'x', scopes: ['directory:read'], expiresAt: 'tomorrow' }, 'body.expiresAt'],
    [{ name: 'x', scopes: ['directory:read'], admin: true }, 'body'],
  ])('when the request is %j, then 400 names %s and nothing is stored', async (body, field) => {
    const before = (await store.database.db.sql.query<{ n: string }>('SELECT count(*) AS n FROM service_tokens'))[0]?.n;
    const res = await issue(body);
    expect(res.status).toBe(400);
    expect(problem(res).errors?.map((error) => error.path)).toContain(field);
    expect((await store.database.db.sql.query<{ n: string }>('SELECT count(*) AS n FROM service_tokens'))[0]?.n).toBe(before);
  });

  it('when a member, a service token or nobody asks to manage tokens, then 403 / 401', async () => {
    const { secret } = await issued(['directory:read', 'messages:send', 'messages:read', 'subscriptions:manage']);
    for (const auth of [{ cookie: memberCookie }, asBearer(secret)]) {
      const res = await request(store.app).get('/api/tokens').set(auth);
      expect([res.status, problem(res).code]).toEqual([403, 'forbidden']);
      expect((await issue({ name: 'escalate', scopes: ['directory:read'] }, auth)).status).toBe(403);
    }
    expect((await request(store.app).get('/api/tokens')).status).toBe(401);
  });
});

describe('calling with a service token', () => {
  it('when a token has the route’s scope, then it is served and its last use is recorded; without the scope, 403 names it', async () => {
    const { token, secret } = await issued(['directory:read']);
    const page = await request(store.app).get('/api/users?limit=1').set(asBearer(secret));
    expect(page.status).toBe(200);
    expect(UsersPageSchema.parse(page.body).items).toHaveLength(1);
    const refused = await request(store.app).get('/api/messages').set(asBearer(secret));
    expect(refused.status).toBe(403);
    expect(problem(refused).detail).toContain('messages:read');
    const listed = ServiceTokenListSchema.parse((await request(store.app).get('/api/tokens').set(asBearer(ADMIN_TOKEN))).body);
    expect(listed.items.find((item) => item.id === token.id)?.lastUsedAt).toEqual(expect.any(String));
  });

  it('when a token is revoked or has expired, then 401 says so; revoking twice keeps the first time; an unknown id is 404', async () => {
    const revoked = await issued(['directory:read']);
    const first = ServiceTokenSchema.parse((await request(store.app).delete(`/api/tokens/${revoked.token.id}`).set(asBearer(ADMIN_TOKEN))).body);
    expect(first.revokedAt).toEqual(expect.any(String));
    const again = ServiceTokenSchema.parse((await request(store.app).delete(`/api/tokens/${revoked.token.id}`).set(asBearer(ADMIN_TOKEN))).body);
    expect(again.revokedAt).toBe(first.revokedAt);
    const afterRevoke = await request(store.app).get('/api/users').set(asBearer(revoked.secret));
    expect([afterRevoke.status, problem(afterRevoke).detail]).toEqual([401, 'The service token has been revoked.']);

    const expiring = await issued(['directory:read'], { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await request(store.app).get('/api/users').set(asBearer(expiring.secret))).status).toBe(200);
    await store.database.db.sql.query("UPDATE service_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [expiring.token.id]);
    const afterExpiry = await request(store.app).get('/api/users').set(asBearer(expiring.secret));
    expect([afterExpiry.status, problem(afterExpiry).detail]).toEqual([401, 'The service token has expired.']);

    expect((await request(store.app).delete('/api/tokens/tok_unknown').set(asBearer(ADMIN_TOKEN))).status).toBe(404);
  });

  it('when the bearer is unknown or the header is not Bearer, then 401 even with a valid session cookie beside it', async () => {
    for (const header of ['Bearer dtgs_not-a-real-token', 'Bearer nothing', 'Basic dXNlcjpwYXNz']) {
      const res = await request(store.app).get('/api/users').set('authorization', header).set('cookie', adminCookie);
      expect([header, res.status]).toEqual([header, 401]);
    }
  });
});

describe('console sessions under the same rules', () => {
  it('when a member is signed in, then the directory and messages are open but tokens are not; an admin session opens everything', async () => {
    for (const path of ['/api/users', '/api/departments', '/api/messages']) {
      expect([path, (await request(store.app).get(path).set('cookie', memberCookie)).status]).toEqual([path, 200]);
    }
    expect((await request(store.app).get('/api/tokens').set('cookie', adminCookie)).status).toBe(200);
  });
});

// Operator accounts on a real cloud (SQLite file or Postgres, HTTP): creating (409 on a taken
// name), listing, disabling (its sessions end), two-step sign-in on and off, signing out, and
// session expiry with the sweep of expired sessions at sign-in, as the console uses them.
import { startCloud, type CloudHarness } from './support/cloud-harness';
import { SESSION_TTL_MS } from '../src/features/operators/operators.service';
import { totpCode } from '../src/features/operators/totp';

interface Console {
  cookie: string;
  csrf: string;
  token: string;
}

async function session(h: CloudHarness, method: string, signedIn?: Console, opts: { body?: unknown; csrf?: boolean } = {}) {
  const headers: Record<string, string> = {};
  if (signedIn) headers.cookie = signedIn.cookie;
  if (signedIn && opts.csrf !== false) headers['x-csrf-token'] = signedIn.csrf;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${h.url}/admin/session`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
}

async function signIn(h: CloudHarness, username: string, password: string, totp?: string): Promise<Console> {
  const res = await session(h, 'POST', undefined, { body: { username, password, totp } });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: res.body.csrfToken, token: decodeURIComponent(cookie.split('=')[1] ?? '') };
}

const OLIVIA = { username: 'olivia', password: 'correct horse battery' };
const VICTOR = { username: 'victor', password: 'viewer password 1' };

describe('operator accounts', () => {
  let h: CloudHarness;
  let offsetMs: number;
  const sessionsOf = (username: string) =>
    h.services.sqldb.read((sql) =>
      sql.all<{ id: string; expiresAt: number }>(
        `SELECT s.id, s."expiresAt" FROM "OperatorSession" s JOIN "Operator" o ON o.id = s."operatorId" WHERE o.username = ?`,
        username,
      ),
    );

  beforeEach(async () => {
    offsetMs = 0;
    h = await startCloud({ dispatcher: false, overrides: { now: () => Date.now() + offsetMs } });
    await h.services.operators.create({ ...VICTOR, role: 'viewer' });
    await h.services.operators.create({ ...OLIVIA, role: 'admin' });
  });
  afterEach(async () => {
    await h.close();
  });

  it('when a taken username is created again, then it is refused 409 and nothing changes; the list is ordered by username', async () => {
    await expect(h.services.operators.create({ username: 'olivia', password: 'another password 1', role: 'viewer' })).rejects.toMatchObject({ status: 409 });
    await expect(h.services.operators.create({ username: ' olivia ', password: 'another password 1', role: 'viewer' })).rejects.toMatchObject({ status: 409 });
    await h.services.operators.create({ username: 'mallory', password: 'third password 1', role: 'viewer' });

    const listed = await h.services.operators.list();
    expect(listed.map((o) => [o.username, o.role, o.totp, o.disabledAt])).toEqual([
      ['mallory', 'viewer', false, null],
      ['olivia', 'admin', false, null],
      ['victor', 'viewer', false, null],
    ]);
    expect(listed.every((o) => o.createdAt instanceof Date && Math.abs(o.createdAt.getTime() - Date.now()) < 60_000)).toBe(true);
    expect(await h.services.db.operator.count({ where: { username: 'olivia' } })).toBe(1);
    await signIn(h, OLIVIA.username, OLIVIA.password); // the first password still signs in
  });

  it('when an operator is disabled, then its sessions are deleted, its cookie stops working and sign-in is refused; others keep theirs', async () => {
    const olivia = await signIn(h, OLIVIA.username, OLIVIA.password);
    const victor = await signIn(h, VICTOR.username, VICTOR.password);
    expect((await session(h, 'GET', olivia)).status).toBe(200);

    const disabled = await h.services.operators.disable('olivia');
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    expect((await h.services.db.operator.findUniqueOrThrow({ where: { username: 'olivia' } })).disabledAt).toEqual(disabled.disabledAt);
    expect(await sessionsOf('olivia')).toEqual([]);
    expect(await h.services.operators.session(olivia.token)).toBeNull();
    expect((await session(h, 'GET', olivia)).status).toBe(401);
    expect((await session(h, 'POST', undefined, { body: OLIVIA })).status).toBe(401);
    expect((await h.services.operators.list()).find((o) => o.username === 'olivia')?.disabledAt).toEqual(disabled.disabledAt);

    expect((await session(h, 'GET', victor)).body.username).toBe('victor');
    await expect(h.services.operators.disable('nobody')).rejects.toMatchObject({ status: 404 });
  });

  it('when two-step sign-in is turned on, then a TOTP code is needed; once turned off, the password alone signs in again', async () => {
    const { secret } = await h.services.operators.enableTotp('olivia');
    expect((await h.services.operators.list()).find((o) => o.username === 'olivia')?.totp).toBe(true);
    expect((await session(h, 'POST', undefined, { body: OLIVIA })).status).toBe(401);
    await expect(h.services.operators.signIn(OLIVIA.username, OLIVIA.password)).rejects.toMatchObject({ status: 401 });
    const withCode = await signIn(h, OLIVIA.username, OLIVIA.password, totpCode(secret, Date.now()));
    expect((await session(h, 'GET', withCode)).status).toBe(200);

    const off = await h.services.operators.disableTotp('olivia');
    expect(off.totp).toBe(false);
    expect((await h.services.db.operator.findUniqueOrThrow({ where: { username: 'olivia' } })).totpSecretEnc).toBeNull();
    expect((await session(h, 'POST', undefined, { body: OLIVIA })).status).toBe(200);
    await expect(h.services.operators.enableTotp('nobody')).rejects.toMatchObject({ status: 404 });
  });

  it('when an operator signs out, then that session token stops working (only that one) and its row is gone', async () => {
    const first = await signIn(h, OLIVIA.username, OLIVIA.password);
    const second = await signIn(h, OLIVIA.username, OLIVIA.password);
    expect((await session(h, 'DELETE', first, { csrf: false })).status).toBe(403);
    expect((await session(h, 'GET', first)).status).toBe(200);

    expect((await session(h, 'DELETE', first)).status).toBe(204);
    expect((await session(h, 'GET', first)).status).toBe(401);
    expect(await h.services.operators.session(first.token)).toBeNull();
    expect((await session(h, 'GET', second)).status).toBe(200);
    expect(await sessionsOf('olivia')).toHaveLength(1);

    await h.services.operators.signOut(second.token);
    expect(await h.services.operators.session(second.token)).toBeNull();
    expect(await sessionsOf('olivia')).toEqual([]);
  });

  it('when a session reaches its expiry, then it no longer signs in, and the next sign-in (of anyone) deletes it', async () => {
    const olivia = await signIn(h, OLIVIA.username, OLIVIA.password);
    const [row] = await sessionsOf('olivia');
    expect(row?.expiresAt).toBeGreaterThan(Date.now() + SESSION_TTL_MS - 60_000);
    expect(await h.services.operators.session(olivia.token)).toMatchObject({ username: 'olivia', role: 'admin', csrfToken: olivia.csrf });

    offsetMs = SESSION_TTL_MS + 1_000;
    expect(await h.services.operators.session(olivia.token)).toBeNull();
    expect((await session(h, 'GET', olivia)).status).toBe(401);
    expect(await sessionsOf('olivia')).toHaveLength(1); // expired, not yet swept

    const victor = await signIn(h, VICTOR.username, VICTOR.password);
    expect(await sessionsOf('olivia')).toEqual([]);
    expect(await sessionsOf('victor')).toHaveLength(1);
    expect((await session(h, 'GET', victor)).status).toBe(200);
  });
});

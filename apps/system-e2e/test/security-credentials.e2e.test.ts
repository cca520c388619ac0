// Credentials at rest and their lifetime, across the real processes (issue #17 items 9 and 10): no
// login ticket or user token is kept anywhere in the clear; a sign-out or a person leaving the
// organisation revokes their cloud tokens and ends their sessions; ENCRYPTION_KEY is rotated with
// `admin keys rotate` while the stack keeps working. At LOG_LEVEL=debug; the last test scans every
// line printed for every secret handled here.
import { randomBytes } from 'node:crypto';
import { DEMO } from '@dtg/dingtalk-sim';
import { adminCli, cliEnv } from './support/admin-cli';
import { type DrillStack, simControl, startDrillStack, waitFor } from '@dtg/testkit';
import { jsonCall } from './support/json-call';
import { Browser, redeemAtStore, signIn, signInAtStore } from './support/login-flow';
import { storedText } from './support/stored-text';
import { expectCleanLogs, HandledSecrets } from './support/secret-scan';

describe('credentials at rest and their lifetime (real processes)', () => {
  let stack: DrillStack;
  const handled = new HandledSecrets();

  beforeAll(async () => {
    stack = await startDrillStack({ logLevel: 'debug', gates: true });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  const returnTo = () => `${stack.local.url}/`;
  const keepLogin = (login: { ticket: string; code: string; state: string }) => {
    handled.keep('login ticket', login.ticket);
    handled.keep('OAuth code', login.code);
    handled.keep('OAuth state', login.state);
    return login;
  };

  describe('login credentials at rest', () => {
    it('when someone signs in and the store redeems the ticket, then neither database holds the ticket or the cloud token, only the token sealed with the ticket until its redemption', async () => {
      const browser = new Browser();
      const login = keepLogin(await signInAtStore(stack.local.url, 'user040', browser));
      // Pushed: the store knows the ticket before the browser brings it.
      await waitFor(
        async () => (await stack.db.query("SELECT 1 FROM processed_events WHERE type = 'user.authenticated'")).rowCount === 1,
        'the login event pushed',
      );
      const waiting = JSON.stringify((await stack.db.query('SELECT * FROM login_tickets')).rows);
      expect(waiting).not.toContain('dtgu_');
      expect(waiting).toContain('"sealed_cloud_token":"v1.');

      const session = await redeemAtStore(stack.local.url, login.ticket, browser);
      expect(session.status).toBe(200);
      const cloudToken = handled.keep('user token', ((await session.json()) as { cloudToken: string }).cloudToken);
      handled.keep('session cookie', /dtg_session=([^;]+)/.exec(session.headers.get('set-cookie') ?? '')?.[1] ?? '');
      expect((await jsonCall(stack.cloud.url, 'GET', '/v1/users/user040', cloudToken)).status).toBe(200);

      const stored = await storedText(stack);
      for (const [name, value] of [
        ['login ticket', login.ticket],
        ['cloud user token', cloudToken],
        ['signature of the cloud user token', cloudToken.split('.')[1] ?? cloudToken],
      ] as const) {
        expect([name, stored.includes(value)]).toEqual([name, false]);
      }
      const redeemed = await stack.db.query<{ sealed: string | null }>('SELECT sealed_cloud_token AS sealed FROM login_tickets');
      expect(redeemed.rows).toEqual([{ sealed: null }]);
    });
  });

  describe('revoking user tokens (issue #17 item 10)', () => {
    /** A whole sign-in into the local store: its session cookie and the cloud token it handed out. */
    async function storeSession(userid: string): Promise<{ cookie: string; cloudToken: string }> {
      const browser = new Browser();
      const login = keepLogin(await signInAtStore(stack.local.url, userid, browser));
      const res = await redeemAtStore(stack.local.url, login.ticket, browser);
      if (res.status !== 200) throw new Error(`session for ${userid}: ${res.status}`);
      for (const value of browser.cookieValues()) handled.keep('browser cookie', value);
      const cookie = /dtg_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '';
      handled.keep('session cookie', cookie.slice('dtg_session='.length));
      return { cookie, cloudToken: handled.keep('user token', ((await res.json()) as { cloudToken: string }).cloudToken) };
    }
    const onCloud = async (token: string) => (await jsonCall(stack.cloud.url, 'GET', '/v1/users/user001', token)).status;
    const me = async (cookie: string) => (await fetch(`${stack.local.url}/api/me`, { headers: { cookie } })).status;
    const signOut = async (cookie: string) => (await fetch(`${stack.local.url}/api/logout`, { method: 'POST', headers: { cookie } })).status;
    const pendingRevocations = async () => (await stack.db.query<{ attempts: number }>('SELECT attempts FROM cloud_token_revocations')).rows;

    it('when someone signs out at the store, then their cloud token is refused at once, even when the store could not reach the cloud at that moment', async () => {
      const online = await storeSession('user041');
      expect(await onCloud(online.cloudToken)).toBe(200);
      expect(await signOut(online.cookie)).toBe(204);
      await waitFor(async () => (await onCloud(online.cloudToken)) === 401, 'the token refused after sign-out', 10_000);
      expect(await me(online.cookie)).toBe(401);

      const offline = await storeSession('user042');
      const gates = stack.gates;
      if (!gates) throw new Error('needs gates');
      gates.toCloud.cut();
      try {
        expect(await signOut(offline.cookie)).toBe(204);
        await waitFor(async () => (await pendingRevocations())[0]?.attempts === 2, 'two failed attempts while the cloud is out of reach', 15_000);
        expect(await onCloud(offline.cloudToken)).toBe(200);
      } finally {
        gates.toCloud.restore();
      }
      await waitFor(async () => (await onCloud(offline.cloudToken)) === 401, 'the kept revocation sent once the cloud is back', 20_000);
      // The cloud commits the revocation before it answers, and the store drops its row only on that answer.
      await waitFor(async () => (await pendingRevocations()).length === 0, 'the store to drop the revocation the cloud took', 10_000);
    });

    it('when DingTalk reports that someone left the organisation, then their cloud tokens are refused and their store sessions end', async () => {
      const leaver = await storeSession('user043');
      const stayer = await storeSession('user044');
      await simControl(stack.sim.url, 'PUT', '/callbacks', { appUrl: `${stack.cloud.url}/callbacks/dingtalk?tenant=${stack.tenant.id}` });
      const pushed = await simControl<{ pushes: { acknowledged: boolean }[] }>(stack.sim.url, 'DELETE', `/orgs/${DEMO.corpId}/users/user043?notify=1`);
      expect(pushed.pushes.map((p) => p.acknowledged)).toEqual([true]);
      await waitFor(async () => (await onCloud(leaver.cloudToken)) === 401, 'the leaver’s token refused', 10_000);
      await waitFor(async () => (await me(leaver.cookie)) === 401, 'the leaver’s session ended');
      expect((await stack.db.query("SELECT count(*)::int AS n FROM sessions WHERE userid = 'user043'")).rows[0]).toEqual({ n: 0 });
      expect([await onCloud(stayer.cloudToken), await me(stayer.cookie)]).toEqual([200, 200]);
    });
  });

  describe('ENCRYPTION_KEY rotation', () => {
    it('when the key is rotated with `admin keys rotate`, then the cloud refuses the new key alone before, runs on both during, and on the new key alone after', async () => {
      // Something of every kind is sealed already: the tenant's secrets, callback settings, a cached DingTalk token.
      keepLogin(await signIn(stack.cloud.url, stack.tenant.id, returnTo(), 'user030'));
      const oldKey = stack.secrets.encryptionKey;
      const newKey = handled.keep('new ENCRYPTION_KEY', randomBytes(32).toString('base64'));

      await expect(stack.cloud.restart({ ENCRYPTION_KEY: newKey })).rejects.toThrow(/neither ENCRYPTION_KEY .* nor ENCRYPTION_KEY_PREVIOUS/);
      await stack.cloud.restart({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey });
      keepLogin(await signIn(stack.cloud.url, stack.tenant.id, returnTo(), 'user031'));

      const rotated = await adminCli<{ total: number; remaining: number; resealed: Record<string, number> }>(
        cliEnv(stack, { ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey }),
        ['keys', 'rotate'],
      );
      expect(rotated.code).toBe(0);
      expect(rotated.json.remaining).toBe(0);
      expect(Object.keys(rotated.json.resealed).sort()).toEqual([
        'DingTalkToken.accessTokenEnc',
        'Tenant.appSecretEnc',
        'Tenant.callbackAesKeyEnc',
        'Tenant.callbackTokenEnc',
        'Tenant.webhookSecretEnc',
      ]);

      await stack.cloud.restart({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: undefined });
      // The app secret and the cached token open (a login), the webhook secret signs (a push arrives), the callback settings verify.
      keepLogin(await signIn(stack.cloud.url, stack.tenant.id, returnTo(), 'user032'));
      const emitted = await jsonCall(stack.cloud.url, 'POST', `/admin/tenants/${stack.tenant.id}/test-events`, stack.secrets.adminToken, {
        count: 1,
        note: 'after rotation',
      });
      const seq = emitted.body['lastSeq'] as number;
      await waitFor(
        async () => (await stack.db.query('SELECT 1 FROM processed_events WHERE seq = $1', [seq])).rowCount === 1,
        'the push signed after the rotation',
      );
      await simControl(stack.sim.url, 'PUT', '/callbacks', { appUrl: `${stack.cloud.url}/callbacks/dingtalk?tenant=${stack.tenant.id}` });
      expect(
        (await simControl<{ acknowledged: boolean }>(stack.sim.url, 'POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } }))
          .acknowledged,
      ).toBe(true);
    }, 90_000); // three cloud restarts (each waits for /healthz) and a CLI process: 30 s is too tight on a loaded 2-core machine
  });

  it('when all of the above ran at LOG_LEVEL=debug, then no ticket, code, token, key or secret appears in any service’s output', async () => {
    await expectCleanLogs(stack, handled);
  });
});

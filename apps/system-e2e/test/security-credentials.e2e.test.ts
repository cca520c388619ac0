// Credentials at rest and their lifetime, across the real processes (issue #17 items 9 and 10): no
// login ticket or user token is kept anywhere in the clear, and ENCRYPTION_KEY is rotated with
// `admin keys rotate` while the stack keeps working. At LOG_LEVEL=debug; the last test scans every
// line printed for every secret handled here.
import { randomBytes } from 'node:crypto';
import { adminCli, cliEnv } from './support/admin-cli';
import { startDrillStack, type DrillStack } from './support/drill-stack';
import { jsonCall } from './support/json-call';
import { signIn } from './support/login-flow';
import { storedText } from './support/stored-text';
import { expectCleanLogs, HandledSecrets } from './support/secret-scan';
import { simControl } from './support/sim-control';
import { waitFor } from './support/stack';

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
      const login = keepLogin(await signIn(stack.cloud.url, stack.tenant.id, returnTo(), 'user040'));
      // Pushed: the store knows the ticket before the browser brings it.
      await waitFor(async () => (await stack.db.query("SELECT 1 FROM processed_events WHERE type = 'user.authenticated'")).rowCount === 1, 'the login event pushed');
      const waiting = JSON.stringify((await stack.db.query('SELECT * FROM login_tickets')).rows);
      expect(waiting).not.toContain('dtgu_');
      expect(waiting).toContain('"sealed_cloud_token":"v1.');

      const session = await fetch(`${stack.local.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket: login.ticket }) });
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

  describe('ENCRYPTION_KEY rotation', () => {
    it('when the key is rotated with `admin keys rotate`, then the cloud refuses the new key alone before, runs on both during, and on the new key alone after', async () => {
      // Something of every kind is sealed already: the tenant's secrets, callback settings, a cached DingTalk token.
      keepLogin(await signIn(stack.cloud.url, stack.tenant.id, returnTo(), 'user030'));
      const oldKey = stack.secrets.encryptionKey;
      const newKey = handled.keep('new ENCRYPTION_KEY', randomBytes(32).toString('base64'));

      await expect(stack.cloud.restart({ ENCRYPTION_KEY: newKey })).rejects.toThrow(/neither ENCRYPTION_KEY .* nor ENCRYPTION_KEY_PREVIOUS/);
      await stack.cloud.restart({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey });
      keepLogin(await signIn(stack.cloud.url, stack.tenant.id, returnTo(), 'user031'));

      const rotated = await adminCli<{ total: number; remaining: number; resealed: Record<string, number> }>(cliEnv(stack, { ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey }), ['keys', 'rotate']);
      expect(rotated.code).toBe(0);
      expect(rotated.json.remaining).toBe(0);
      expect(Object.keys(rotated.json.resealed).sort()).toEqual(['DingTalkToken.accessTokenEnc', 'Tenant.appSecretEnc', 'Tenant.callbackAesKeyEnc', 'Tenant.callbackTokenEnc', 'Tenant.webhookSecretEnc']);

      await stack.cloud.restart({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: undefined });
      // The app secret and the cached token open (a login), the webhook secret signs (a push arrives), the callback settings verify.
      keepLogin(await signIn(stack.cloud.url, stack.tenant.id, returnTo(), 'user032'));
      const emitted = await jsonCall(stack.cloud.url, 'POST', `/admin/tenants/${stack.tenant.id}/test-events`, stack.secrets.adminToken, { count: 1, note: 'after rotation' });
      const seq = emitted.body['lastSeq'] as number;
      await waitFor(async () => (await stack.db.query('SELECT 1 FROM processed_events WHERE seq = $1', [seq])).rowCount === 1, 'the push signed after the rotation');
      await simControl(stack.sim.url, 'PUT', '/callbacks', { appUrl: `${stack.cloud.url}/callbacks/dingtalk?tenant=${stack.tenant.id}` });
      expect((await simControl<{ acknowledged: boolean }>(stack.sim.url, 'POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } })).acknowledged).toBe(true);
    });
  });

  it('when all of the above ran at LOG_LEVEL=debug, then no ticket, code, token, key or secret appears in any service’s output', async () => {
    await expectCleanLogs(stack, handled);
  });
});

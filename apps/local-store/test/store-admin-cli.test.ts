// `npm run store-admin` as an operator runs it: a separate process on the store's database,
// JSON out, the same rules as the API (bad input names the flag and changes nothing).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  IssuedServiceTokenSchema,
  OidcClientListSchema,
  RegisteredOidcClientSchema,
  ServiceTokenListSchema,
  ServiceTokenSchema,
  SubscriptionSchema,
  SubscriptionWithSecretSchema,
} from '@dtg/contracts';
import request from 'supertest';
import { REPO_ROOT } from '../src/paths';
import { user, userUpserted } from './support/events';
import { startTestStore, type TestStore } from './support/test-store';

const exec = promisify(execFile);
let store: TestStore;

beforeAll(async () => {
  store = await startTestStore();
  // The CLI reads the tenant from what the database has received.
  await store.push(userUpserted(1, user('cli-user')));
});
afterAll(() => store.close());

async function cli(...args: string[]): Promise<{ code: number; out: unknown; err: unknown }> {
  const env = { ...process.env, DATABASE_URL: store.database.url, TENANT_ID: '' };
  try {
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'apps/local-store/src/cli/cli.ts'), ...args], {
      cwd: REPO_ROOT,
      env,
    });
    return { code: 0, out: JSON.parse(stdout), err: undefined };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: undefined, err: JSON.parse(failed.stderr.trim().split('\n').at(-1) ?? '{}') };
  }
}

const count = async (table: string) => Number((await store.database.db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

describe('store-admin', () => {
  it('when a token is created, listed and revoked from the command line, then it works at once and stops at once', async () => {
    const created = await cli('token', 'create', '--name', 'billing backend', '--scopes', 'directory:read,messages:read', '--expires-in', '30d');
    expect(created.code).toBe(0);
    const { token, secret } = IssuedServiceTokenSchema.parse(created.out);
    expect(token).toMatchObject({ name: 'billing backend', scopes: ['directory:read', 'messages:read'], createdBy: 'local-admin' });
    expect(Date.parse(token.expiresAt ?? '') - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await request(store.app).get('/api/users').set('authorization', `Bearer ${secret}`)).status).toBe(200);

    const listed = ServiceTokenListSchema.parse((await cli('token', 'list')).out);
    expect(listed.items.map((item) => item.id)).toContain(token.id);
    expect(JSON.stringify(listed)).not.toContain(secret);

    expect(ServiceTokenSchema.parse((await cli('token', 'revoke', token.id)).out).revokedAt).toEqual(expect.any(String));
    expect((await request(store.app).get('/api/users').set('authorization', `Bearer ${secret}`)).status).toBe(401);
  }, 60_000);

  it('when a flag is bad, then exit 2 with JSON naming it, and nothing is written', async () => {
    const before = await count('service_tokens');
    const badScope = await cli('token', 'create', '--name', 'x', '--scopes', 'directory:write');
    expect([badScope.code, (badScope.err as { errors: { path: string }[] }).errors[0]?.path]).toEqual([2, '--scopes']);
    expect(await count('service_tokens')).toBe(before);
  }, 60_000);

  it('when a subscription is paused from the command line, then the store’s API shows it paused', async () => {
    const admin = IssuedServiceTokenSchema.parse((await cli('token', 'create', '--name', 'ops', '--scopes', 'subscriptions:manage')).out).secret;
    const created = SubscriptionWithSecretSchema.parse(
      (
        await request(store.app)
          .post('/api/subscriptions')
          .set('authorization', `Bearer ${admin}`)
          .send({ url: 'http://10.0.0.7:8080/hooks', eventTypes: ['user.*'] })
      ).body,
    );
    expect(SubscriptionSchema.parse((await cli('subscription', 'pause', created.subscription.id)).out).status).toBe('paused');
    const seen = SubscriptionSchema.parse(
      (await request(store.app).get(`/api/subscriptions/${created.subscription.id}`).set('authorization', `Bearer ${admin}`)).body,
    );
    expect(seen.status).toBe('paused');
  }, 60_000);

  it('when an app is registered as an OpenID Connect client from the command line, then its secret is shown once, kept hashed, and the client can be listed and removed', async () => {
    const created = await cli(
      'client',
      'create',
      '--name',
      'Expense reports',
      '--redirect-uris',
      'https://expenses.example.test/cb',
      '--scopes',
      'openid,profile,dingtalk',
      '--first-party',
    );
    expect(created.code).toBe(0);
    const { client, clientSecret } = RegisteredOidcClientSchema.parse(created.out);
    expect(client).toMatchObject({
      name: 'Expense reports',
      public: false,
      firstParty: true,
      scopes: ['openid', 'profile', 'dingtalk'],
      createdBy: 'local-admin',
    });
    expect(clientSecret).toMatch(/^dtgc_/);
    const [row] = await store.database.db.sql.query<{ secret_hash: string }>('SELECT secret_hash FROM oidc_clients WHERE client_id = $1', [client.clientId]);
    expect(row?.secret_hash).not.toContain(clientSecret);
    expect(OidcClientListSchema.parse((await cli('client', 'list')).out).items.map((item) => item.clientId)).toContain(client.clientId);

    const bad = await cli('client', 'create', '--name', 'Bad', '--redirect-uris', 'http://evil.example.test/cb');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatchObject({ code: 'validation_failed', errors: [{ path: '--redirect-uris' }] });

    expect((await cli('client', 'remove', client.clientId)).code).toBe(0);
    expect(await count('oidc_clients')).toBe(0);
  }, 60_000);
});

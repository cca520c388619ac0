// The rate limits (RATE_LIMIT_*) held by the replicas together, Postgres only: two clouds on ONE
// database count each limit once ("RateLimitWindow"), so a client who alternates between them gets
// the limit, not twice it. Each cloud alone already keeps its limits (security-access.e2e.test.ts).
import { randomBytes } from 'node:crypto';
import { call, createTenant, migratedDatabaseUrl, startCloud, type CloudHarness } from './support/cloud-harness';
import { dropTestDatabase } from './support/test-database';

jest.setTimeout(60_000);

const RETURN_TO = 'http://127.0.0.1:3000/back';

describe('two replicas on one Postgres database', () => {
  let databaseUrl: string;
  let replicas: CloudHarness[];
  beforeAll(async () => {
    databaseUrl = await migratedDatabaseUrl();
    // One deployment: the same secrets and limits on every replica.
    const env = {
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      USER_TOKEN_SECRET: randomBytes(32).toString('hex'),
      RATE_LIMIT_OPERATOR_SIGN_IN: '4/1m',
      RATE_LIMIT_LOGIN_PER_TENANT: '3/1m',
    };
    replicas = [];
    for (let i = 0; i < 2; i++) replicas.push(await startCloud({ databaseUrl, env, dispatcher: false }));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await dropTestDatabase(databaseUrl);
  });

  /** `count` requests, alternating between the replicas; their statuses in order. */
  async function alternating(count: number, request: (replica: CloudHarness) => Promise<number>): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) statuses.push(await request(replicas[i % replicas.length] as CloudHarness));
    return statuses;
  }

  it('when sign-ins to the console alternate between replicas, then the fifth is refused wherever it goes', async () => {
    const signIn = async (replica: CloudHarness) =>
      (await call(replica, 'POST', '/admin/session', { username: 'nobody', password: 'not the password' })).status;
    expect(await alternating(6, signIn)).toEqual([401, 401, 401, 401, 429, 429]);
    // Its own window: the other limits of the same client are untouched.
    const { tenant } = await createTenant(replicas[1] as CloudHarness, { returnUrls: [RETURN_TO] });
    const start = await fetch(`${(replicas[0] as CloudHarness).url}/auth/dingtalk?tenant=${tenant.id}&returnTo=${encodeURIComponent(RETURN_TO)}`, {
      redirect: 'manual',
    });
    expect(start.status).toBe(302);
  });

  it('when one tenant’s sign-in starts alternate between replicas, then its budget is spent once', async () => {
    const { tenant } = await createTenant(replicas[0] as CloudHarness, { returnUrls: [RETURN_TO] });
    const start = async (replica: CloudHarness) =>
      (await fetch(`${replica.url}/auth/dingtalk?tenant=${tenant.id}&returnTo=${encodeURIComponent(RETURN_TO)}`, { redirect: 'manual' })).status;
    expect(await alternating(5, start)).toEqual([302, 302, 302, 429, 429]);
  });
});

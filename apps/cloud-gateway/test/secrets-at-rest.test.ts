// Secrets at rest across restarts of a real cloud on one database: values the first releases
// sealed (v1, no associated data) and the plaintext callback token are sealed properly at start;
// a sealed value moved to another row does not open; ENCRYPTION_KEY rotates with
// ENCRYPTION_KEY_PREVIOUS and the re-seal `admin keys rotate` runs.
import { sqliteTokenStore } from '../src/features/dingtalk/sqlite-token-store';
import { reseal } from '../src/features/keys/reseal';
import { ADMIN_TOKEN, migratedDatabaseUrl, otherConnection, startCloud, type CloudHarness } from './support/cloud-harness';
import { dropTestDatabase } from './support/test-database';
import { newKey, sealV1 } from './support/legacy-seal';

const SEALED = ['appSecretEnc', 'webhookSecretEnc', 'previousSecretEnc', 'callbackTokenEnc', 'callbackAesKeyEnc'] as const;

describe('secrets at rest', () => {
  let databaseUrl: string;
  let cloud: CloudHarness | undefined;

  beforeEach(async () => {
    databaseUrl = await migratedDatabaseUrl();
  });
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
    await dropTestDatabase(databaseUrl);
  });

  const start = async (env: Record<string, string>) => {
    await cloud?.close();
    cloud = await startCloud({ databaseUrl, env });
    return cloud;
  };
  /** Reads and writes from another connection, as an operator's shell would. */
  const onOther = async <T>(work: (other: Awaited<ReturnType<typeof otherConnection>>) => Promise<T>): Promise<T> => {
    const other = await otherConnection(databaseUrl);
    try {
      return await work(other);
    } finally {
      await other.close();
    }
  };
  const rows = () =>
    onOther((other) => other.all<Record<string, string | null>>(`SELECT id, "callbackToken", ${SEALED.map((c) => `"${c}"`).join(', ')} FROM "Tenant"`));
  const write = (sql: string, ...params: unknown[]) => onOther((other) => other.run(sql, ...params));

  async function createTenant(h: CloudHarness, corpId: string) {
    const res = await fetch(`${h.url}/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: corpId,
        corpId,
        appKey: `key-${corpId}`,
        appSecret: `secret-of-${corpId}`,
        agentId: 1,
        callbackToken: `tok${corpId}`,
        callbackAesKey: 'a'.repeat(43),
      }),
    });
    const body = (await res.json()) as { tenant: { id: string }; webhookSecret: string };
    return { id: body.tenant.id, webhookSecret: body.webhookSecret };
  }

  it('when a database from before sealing with associated data is started, then v1 values and the plaintext callback token are re-sealed and still open', async () => {
    const key = newKey();
    const h = await start({ ENCRYPTION_KEY: key });
    const tenant = await createTenant(h, 'dingold');
    // What the releases before 2026-12 left: v1 everywhere, the callback token in plaintext.
    await write(
      'UPDATE "Tenant" SET "appSecretEnc" = ?, "webhookSecretEnc" = ?, "callbackAesKeyEnc" = ?, "callbackToken" = ?, "callbackTokenEnc" = NULL WHERE id = ?',
      sealV1(key, 'secret-of-dingold'),
      sealV1(key, tenant.webhookSecret),
      sealV1(key, 'a'.repeat(43)),
      'plaintoken',
      tenant.id,
    );

    const restarted = await start({ ENCRYPTION_KEY: key });
    const [row] = await rows();
    expect(row?.['callbackToken']).toBeNull();
    for (const column of ['appSecretEnc', 'webhookSecretEnc', 'callbackTokenEnc', 'callbackAesKeyEnc'])
      expect([column, row?.[column]?.slice(0, 3)]).toEqual([column, 'v2.']);
    expect(JSON.stringify(await rows())).not.toContain('plaintoken');
    const s = restarted.services;
    expect((await s.tenants.withCallbackSettings(tenant.id)).settings).toEqual({ token: 'plaintoken', aesKey: 'a'.repeat(43) });
    expect(s.tenants.signingSecrets(await s.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } }))).toEqual([tenant.webhookSecret]);
    expect((await s.dingtalk.oauthClient(await s.tenants.get(tenant.id))).clientSecret).toBe('secret-of-dingold');
  });

  it('when a sealed value is copied into another tenant’s row, then it does not open there', async () => {
    const h = await start({ ENCRYPTION_KEY: newKey() });
    const a = await createTenant(h, 'dinga');
    const b = await createTenant(h, 'dingb');
    const stolen = (await rows()).find((r) => r['id'] === a.id)?.['appSecretEnc'];
    await write('UPDATE "Tenant" SET "appSecretEnc" = ? WHERE id = ?', stolen, b.id);
    await expect(h.services.dingtalk.oauthClient(await h.services.tenants.get(b.id))).rejects.toThrow();
    const column = (await rows()).find((r) => r['id'] === a.id)?.['callbackAesKeyEnc'];
    await write('UPDATE "Tenant" SET "callbackTokenEnc" = ? WHERE id = ?', column, a.id);
    await expect(h.services.tenants.withCallbackSettings(a.id)).rejects.toThrow();
  });

  it('when ENCRYPTION_KEY is rotated, then the previous key opens until the re-seal, after which the new key alone opens everything', async () => {
    const oldKey = newKey();
    const newer = newKey();
    const first = await start({ ENCRYPTION_KEY: oldKey });
    const tenant = await createTenant(first, 'dingrot');
    await first.services.tenants.rotateSecret(tenant.id);
    await first.services.dingtalk.tickets.save('suitekey', 'suite-ticket-value');
    await sqliteTokenStore(first.services.sqldb, first.services.secrets).set('app:key-dingrot', {
      accessToken: 'access-token-value',
      obtainedAt: Date.now(),
      expireIn: 7200,
    });
    const secretsBefore = first.services.tenants.signingSecrets(await first.services.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } }));

    await expect(start({ ENCRYPTION_KEY: newer })).rejects.toThrow();
    const rotating = await start({ ENCRYPTION_KEY: newer, ENCRYPTION_KEY_PREVIOUS: oldKey });
    const report = await reseal(rotating.services.sqldb, rotating.services.secrets, 'not-current');
    expect(report).toEqual({
      keyId: rotating.services.secrets.keyId,
      resealed: {
        'Tenant.appSecretEnc': 1,
        'Tenant.webhookSecretEnc': 1,
        'Tenant.previousSecretEnc': 1,
        'Tenant.callbackTokenEnc': 1,
        'Tenant.callbackAesKeyEnc': 1,
        'DingTalkToken.accessTokenEnc': 1,
        'SuiteTicket.ticketEnc': 1,
      },
      total: 7,
      remaining: 0,
    });
    expect((await reseal(rotating.services.sqldb, rotating.services.secrets, 'not-current')).total).toBe(0);

    const after = await start({ ENCRYPTION_KEY: newer });
    const s = after.services;
    expect(s.tenants.signingSecrets(await s.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } }))).toEqual(secretsBefore);
    expect((await s.tenants.withCallbackSettings(tenant.id)).settings?.token).toBe('tokdingrot');
    expect(await s.dingtalk.tickets.current('suitekey')).toBe('suite-ticket-value');
    expect((await sqliteTokenStore(s.sqldb, s.secrets).get('app:key-dingrot'))?.accessToken).toBe('access-token-value');
    expect((await s.dingtalk.oauthClient(await s.tenants.get(tenant.id))).clientSecret).toBe('secret-of-dingrot');
  });
});

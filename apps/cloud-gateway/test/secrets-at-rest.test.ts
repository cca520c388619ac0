// Secrets at rest across restarts of a real cloud on one SQLite file: values the first releases
// sealed (v1, no associated data) and the plaintext callback token are sealed properly at start;
// a sealed value moved to another row does not open; ENCRYPTION_KEY rotates with
// ENCRYPTION_KEY_PREVIOUS and the re-seal `admin keys rotate` runs.
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sqliteTokenStore } from '../src/features/dingtalk/sqlite-token-store';
import { reseal } from '../src/features/keys/reseal';
import { ADMIN_TOKEN, migratedDbFile, startCloud, type CloudHarness } from './support/cloud-harness';
import { newKey, sealV1 } from './support/legacy-seal';

const SEALED = ['appSecretEnc', 'webhookSecretEnc', 'previousSecretEnc', 'callbackTokenEnc', 'callbackAesKeyEnc'] as const;

describe('secrets at rest', () => {
  let dbFile: string;
  let cloud: CloudHarness | undefined;

  beforeEach(async () => {
    dbFile = await migratedDbFile();
  });
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
    rmSync(path.dirname(dbFile), { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>) => {
    await cloud?.close();
    cloud = await startCloud({ dbFile, env });
    return cloud;
  };
  const rows = () => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return db.prepare(`SELECT id, callbackToken, ${SEALED.join(', ')} FROM Tenant`).all() as Record<string, string | null>[];
    } finally {
      db.close();
    }
  };
  const write = (sql: string, ...params: unknown[]) => {
    const db = new Database(dbFile);
    try {
      db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  };

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
    write(
      'UPDATE Tenant SET appSecretEnc = ?, webhookSecretEnc = ?, callbackAesKeyEnc = ?, callbackToken = ?, callbackTokenEnc = NULL WHERE id = ?',
      sealV1(key, 'secret-of-dingold'),
      sealV1(key, tenant.webhookSecret),
      sealV1(key, 'a'.repeat(43)),
      'plaintoken',
      tenant.id,
    );

    const restarted = await start({ ENCRYPTION_KEY: key });
    const [row] = rows();
    expect(row?.['callbackToken']).toBeNull();
    for (const column of ['appSecretEnc', 'webhookSecretEnc', 'callbackTokenEnc', 'callbackAesKeyEnc'])
      expect([column, row?.[column]?.slice(0, 3)]).toEqual([column, 'v2.']);
    expect(JSON.stringify(rows())).not.toContain('plaintoken');
    const s = restarted.services;
    expect((await s.tenants.withCallbackSettings(tenant.id)).settings).toEqual({ token: 'plaintoken', aesKey: 'a'.repeat(43) });
    expect(s.tenants.signingSecrets(await s.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } }))).toEqual([tenant.webhookSecret]);
    expect((await s.dingtalk.oauthClient(await s.tenants.get(tenant.id))).clientSecret).toBe('secret-of-dingold');
  });

  it('when a sealed value is copied into another tenant’s row, then it does not open there', async () => {
    const h = await start({ ENCRYPTION_KEY: newKey() });
    const a = await createTenant(h, 'dinga');
    const b = await createTenant(h, 'dingb');
    const stolen = rows().find((r) => r['id'] === a.id)?.['appSecretEnc'];
    write('UPDATE Tenant SET appSecretEnc = ? WHERE id = ?', stolen, b.id);
    await expect(h.services.dingtalk.oauthClient(await h.services.tenants.get(b.id))).rejects.toThrow();
    const column = rows().find((r) => r['id'] === a.id)?.['callbackAesKeyEnc'];
    write('UPDATE Tenant SET callbackTokenEnc = ? WHERE id = ?', column, a.id);
    await expect(h.services.tenants.withCallbackSettings(a.id)).rejects.toThrow();
  });

  it('when ENCRYPTION_KEY is rotated, then the previous key opens until the re-seal, after which the new key alone opens everything', async () => {
    const oldKey = newKey();
    const newer = newKey();
    const first = await start({ ENCRYPTION_KEY: oldKey });
    const tenant = await createTenant(first, 'dingrot');
    await first.services.tenants.rotateSecret(tenant.id);
    await first.services.dingtalk.tickets.save('suitekey', 'suite-ticket-value');
    await sqliteTokenStore(first.services.db, first.services.secrets).set('app:key-dingrot', {
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
    expect((await sqliteTokenStore(s.db, s.secrets).get('app:key-dingrot'))?.accessToken).toBe('access-token-value');
    expect((await s.dingtalk.oauthClient(await s.tenants.get(tenant.id))).clientSecret).toBe('secret-of-dingrot');
  });
});

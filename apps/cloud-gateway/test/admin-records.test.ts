// What the admin paths write besides the tenant: API keys (list, revoke keeps the first revokedAt)
// and the audit log (filters, paging back, the retention sweep), through direct SQL on both databases.
import { apiKeysService } from '../src/features/api-keys/api-keys.service';
import { auditLog } from '../src/features/audit/audit-log';
import { createTenant, startCloud, type CloudHarness } from './support/cloud-harness';

describe('admin records', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloud({ dispatcher: false });
  });
  afterAll(() => h.close());

  it('when a key is revoked twice, then it keeps the first revokedAt; an unknown key is a 404', async () => {
    const { sqldb } = h.services;
    const { tenant } = await h.services.tenants.create({ name: 'Keys', corpId: 'dingkeys', mode: 'internal', appKey: 'k', appSecret: 's' });
    const issued = await apiKeysService.issue(sqldb, tenant.id, { name: 'reader', scopes: ['events:read'] });
    const listed = await apiKeysService.list(sqldb, tenant.id);
    expect(listed.map((k) => k.name)).toEqual(['default', 'reader']);
    expect(listed[1]).toMatchObject({ id: issued.id, tenantId: tenant.id, prefix: issued.prefix, scopes: ['events:read'], lastUsedAt: null, revokedAt: null });
    expect(listed[1]?.createdAt).toBeInstanceOf(Date);

    const first = new Date('2026-12-01T00:00:00.000Z');
    expect((await apiKeysService.revoke(sqldb, issued.id, first)).revokedAt).toEqual(first);
    expect((await apiKeysService.revoke(sqldb, issued.id, new Date('2026-12-02T00:00:00.000Z'))).revokedAt).toEqual(first);
    await expect(apiKeysService.revoke(sqldb, 'key_missing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('when entries are listed, then filters and `before` page back newest first; the sweep drops entries past retention', async () => {
    let now = Date.parse('2026-12-01T00:00:00.000Z');
    const audit = auditLog({ sqldb: h.services.sqldb, logger: h.services.logger, retentionMs: 3600_000, now: () => now });
    const tenantId = (await createTenant(h)).tenant.id;
    for (const action of ['a.one', 'a.two', 'a.three']) {
      await audit.record({ via: 'cli', actor: 'tester', source: null }, { action, tenantId, target: 't', before: { x: 1 }, after: null });
      now += 1000;
    }
    const all = await audit.list({ tenantId, actor: 'tester' });
    expect(all.map((e) => e.action)).toEqual(['a.three', 'a.two', 'a.one']);
    expect(all[2]).toMatchObject({ via: 'cli', tenantId, target: 't', source: null, before: { x: 1 }, after: null, at: new Date('2026-12-01T00:00:00.000Z') });
    expect((await audit.list({ tenantId, before: all[0]?.id, limit: 1 })).map((e) => e.action)).toEqual(['a.two']);
    // The admin API recorded the tenant's creation (at the real time).
    expect((await audit.list({ tenantId, via: 'api' })).map((e) => e.action)).toEqual(['tenant.create']);

    now = Date.parse('2026-12-01T01:00:01.500Z');
    await audit.sweep();
    expect((await audit.list({ tenantId, via: 'cli' })).map((e) => e.action)).toEqual(['a.three']);
  });
});

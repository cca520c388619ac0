// The hot paths read a tenant by direct SQL (tenants.get), the operator paths through Prisma. Both
// must give the same Tenant: a column the SQL mapping forgets to convert (a DateTime stored as epoch
// ms, a Boolean stored as 0/1) would show here as a number where a Date or boolean belongs.
import { toTenant } from '../src/features/tenants/tenants.repository';
import { startCloud, type CloudHarness } from './support/cloud-harness';

describe('tenant reads', () => {
  let cloud: CloudHarness;
  beforeAll(async () => {
    cloud = await startCloud({ dispatcher: false });
  });
  afterAll(() => cloud.close());

  it('direct SQL and Prisma give the same tenant, every column type set', async () => {
    const { tenants, db } = cloud.services;
    const { tenant } = await tenants.create({
      name: 'Read check',
      corpId: 'dingreadcheck',
      mode: 'internal',
      appKey: 'key',
      appSecret: 'secret',
      agentId: 7,
      returnUrls: ['https://app.example.com/'],
      reconcileInterval: 3_600_000,
      robotCode: 'robot-1',
      receipts: 'delivery',
      monthlyCallBudget: 1234,
      memberSendPolicy: { enabled: false, maxUserIds: 5, departments: true, toAll: true },
    });
    const at = new Date('2026-12-01T08:00:00.123Z');
    await db.tenant.update({
      where: { id: tenant.id },
      data: { endpointFailingSince: at, endpointDisabledAt: at, nextReconcileAt: at, credentialsFailingSince: at },
    });

    const bySql = await tenants.get(tenant.id);
    const byPrisma = toTenant((await db.tenant.findUnique({ where: { id: tenant.id } }))!);
    expect(bySql).toEqual(byPrisma);
    expect(bySql.endpoint).toEqual({ state: 'disabled', failingSince: at, disabledAt: at });
    expect(bySql.memberSendPolicy).toEqual({ enabled: false, maxUserIds: 5, departments: true, toAll: true });
    expect(bySql.createdAt).toBeInstanceOf(Date);
  });

  it('an unknown id is a 404 problem', async () => {
    await expect(cloud.services.tenants.get('ten_missing')).rejects.toMatchObject({ code: 'not_found' });
  });
});

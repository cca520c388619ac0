// The cloud's own paths are direct SQL (db/sql.ts): Prisma's first ORM query would load its query
// compiler (WebAssembly, ~20–40 MB of RSS, issue #23 §5). Lint refuses Prisma's types in features/;
// this runs what every deployment does — a tenant made and administered, a message sent to its end,
// events pulled, a directory synced, the start-up jobs — and checks Prisma never started.
import { AcceptedMessageSchema } from '@dtg/contracts';
import { waitFor } from '@dtg/testkit';
import { text, type MessagingStack, useMessagingStack } from './support/messaging-stack';

describe('the cloud at runtime', () => {
  let s: MessagingStack;
  useMessagingStack((started) => (s = started), { simConfig: { taskRunningAfterMs: 50, taskDoneAfterMs: 150 } });

  it('when a tenant is administered, a message sent to its end, events pulled and the directory synced, then Prisma never started', async () => {
    const { services } = s.cloud;
    const tenant = `/admin/tenants/${s.tenant.id}`;
    const sent = await s.send({ recipients: { userIds: ['user001', 'user002'] }, msg: text('hello') });
    expect(sent.status).toBe(202);
    const id = AcceptedMessageSchema.parse(sent.body).id;
    await s.waitForEvent('message.completed', id);
    expect((await s.call('GET', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey })).status).toBe(200);

    const sync = await s.call<{ id: string }>('POST', '/v1/directory/sync', {}, { token: s.tenant.apiKey });
    expect(sync.status).toBe(202);
    await waitFor(
      async () =>
        (await s.call<{ status: string }>('GET', `/v1/directory/sync/${sync.body.id}`, undefined, { token: s.tenant.apiKey })).body.status === 'completed',
      'the directory sync',
    );

    expect((await s.call('GET', tenant)).status).toBe(200);
    expect((await s.call('PATCH', tenant, { name: 'Renamed' })).status).toBe(200);
    expect((await s.call('POST', `${tenant}/api-keys`, { name: 'second' })).status).toBe(201);
    expect((await s.call('POST', `${tenant}/rotate-secret`, {})).status).toBe(200);
    expect((await s.call('GET', '/admin/tenants')).status).toBe(200);
    expect((await s.call('GET', '/admin/deliveries')).status).toBe(200);
    for (const view of [
      '/admin/views/tenants',
      `/admin/views/tenants/${s.tenant.id}`,
      '/admin/views/jobs',
      '/admin/views/audit',
      '/admin/views/dingtalk-calls',
    ]) {
      expect([view, (await s.call('GET', view)).status]).toEqual([view, 200]);
    }
    await services.jobs.drain();

    expect(services.ormStarted()).toBe(false);
    // The probe can fail: one ORM query, as a test's assertion makes, starts Prisma.
    await services.db.tenant.count();
    expect(services.ormStarted()).toBe(true);
  });
});

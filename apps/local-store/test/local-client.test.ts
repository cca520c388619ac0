// @dtg/local-client against the real store app over HTTP: what an integrator's service does.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalStoreClient, LocalStoreError, verifyChangeWebhook, type ChangeEvent } from '@dtg/local-client';
import { event, user, userUpserted } from './support/events';
import { startEndpoint } from './support/subscription-endpoint';
import { startTestStore, type TestStore } from './support/test-store';
import { waitFor } from '@dtg/testkit';

const ADMIN_TOKEN = 'local-admin-token-for-tests-0123';
let store: TestStore;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  store = await startTestStore({ env: { LOCAL_ADMIN_TOKEN: ADMIN_TOKEN, SUBSCRIPTION_POLL_INTERVAL: '100ms' } });
  store.services.dispatcher.start();
  server = await new Promise<Server>((resolve) => {
    const listening = store.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await store.push(
    event('department.upserted', 1, {
      departments: [
        { deptId: 1, name: 'Co', parentId: null },
        { deptId: 2, name: 'Eng', parentId: 1 },
        { deptId: 3, name: 'Web', parentId: 2 },
      ],
    }),
  );
  await store.push(
    userUpserted(
      2,
      ...Array.from({ length: 12 }, (_, i) => user(`eng${String(i).padStart(2, '0')}`, { deptIds: [i % 2 === 0 ? 2 : 3] })),
      user('sales01', { deptIds: [1] }),
    ),
  );
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
});

describe('@dtg/local-client', () => {
  it('when an admin issues a token, then a service reads a filtered directory page by page with it', async () => {
    const admin = createLocalStoreClient({ baseUrl, token: ADMIN_TOKEN });
    const { secret } = await admin.tokens.create({ name: 'hr sync', scopes: ['directory:read'] });
    const service = createLocalStoreClient({ baseUrl: `${baseUrl}/`, token: secret });
    const seen: string[] = [];
    for await (const person of service.users.iterate({ deptId: 2, includeSubDepartments: true, limit: 5 })) seen.push(person.userid);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `eng${String(i).padStart(2, '0')}`));
    expect((await service.departments.tree({ rootId: 2 })).items[0]).toMatchObject({ deptId: 2, memberCount: 6, children: [{ deptId: 3, memberCount: 6 }] });
    expect((await service.departments.get(2)).totalMemberCount).toBe(12);
    expect((await service.users.get('sales01')).deptIds).toEqual([1]);
  });

  it('when the store refuses, then LocalStoreError carries the status, code, named fields and request id', async () => {
    const admin = createLocalStoreClient({ baseUrl, token: ADMIN_TOKEN });
    const bad = await admin.users.list({ deptId: 0 }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(LocalStoreError);
    expect(bad).toMatchObject({
      status: 400,
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'query.deptId' })],
      requestId: expect.any(String),
    });
    const { secret } = await admin.tokens.create({ name: 'reader', scopes: ['directory:read'] });
    await expect(createLocalStoreClient({ baseUrl, token: secret }).messages.list()).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(createLocalStoreClient({ baseUrl: 'http://127.0.0.1:9', token: secret, timeoutMs: 2000 }).users.list()).rejects.toMatchObject({
      status: 0,
      code: 'unreachable',
    });
  });

  it('when a subscription endpoint verifies a push with verifyChangeWebhook, then it gets the typed event; a tampered body is refused', async () => {
    const endpoint = await startEndpoint();
    try {
      const admin = createLocalStoreClient({ baseUrl, token: ADMIN_TOKEN });
      const { subscription, secret } = await admin.subscriptions.create({ url: endpoint.url, eventTypes: ['user.updated'] });
      await store.push(userUpserted(3, user('sales01', { name: 'Sales One', deptIds: [1] })));
      const push = await waitFor(() => endpoint.pushes[0], 'a push');
      const verified: ChangeEvent = verifyChangeWebhook(push.raw, push.headers as Record<string, string>, secret);
      expect(verified.type === 'user.updated' && verified.data.user).toMatchObject({ userid: 'sales01', name: 'Sales One' });
      expect(() => verifyChangeWebhook(push.raw.replace('Sales One', 'Sales Two'), push.headers as Record<string, string>, secret)).toThrow(/signature/i);
      const feed = await admin.changes.list({ after: verified.seq - 1, limit: 1 });
      expect(feed.events[0]?.id).toBe(verified.id);
      await admin.subscriptions.remove(subscription.id);
    } finally {
      await endpoint.close();
    }
  });
});

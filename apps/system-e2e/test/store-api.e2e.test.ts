// The local store as the customer's services use it, across real processes (simulator, cloud,
// store, Postgres), through @dtg/local-client: a token reads a filtered directory page; a
// subscription endpoint gets a verified user.updated after a contact change in DingTalk, exactly
// once across a store restart; a message sent through the store reaches DingTalk once although the
// cloud is down for 30 s when it is sent; bad input is refused with the field named, nothing written.
import { createLocalStoreClient, LocalStoreError, type ChangeEvent, type LocalStoreClient } from '@dtg/local-client';
import { DEMO } from '@dtg/dingtalk-sim';
import { count, simControl, simRequests, type Stack, startStack, waitFor } from '@dtg/testkit';
import { startChangeEndpoint, type ChangeEndpoint } from './support/change-endpoint';
import { demoOrg, type DemoOrg } from './support/demo-org';
import { settled } from './support/tenant-state';

const ADMIN_TOKEN = 'e2e-local-admin-token-0123456789';
const SEND_PATH = '/topapi/message/corpconversation/asyncsend_v2';

describe('building on the local store (real processes, @dtg/local-client)', () => {
  let stack: Stack;
  let demo: DemoOrg;
  let admin: LocalStoreClient;
  let endpoint: ChangeEndpoint;

  beforeAll(async () => {
    [stack, endpoint] = await Promise.all([
      startStack({
        tenantExtra: { callbackToken: DEMO.app.callbackToken, callbackAesKey: DEMO.app.aesKey },
        localEnv: { LOCAL_ADMIN_TOKEN: ADMIN_TOKEN, SUBSCRIPTION_POLL_INTERVAL: '200ms', SUBSCRIPTION_RETRY_SCHEDULE: '500ms,1s,2s,5s' },
        cloudEnv: { MESSAGE_RECEIPT_SCHEDULE: '300ms,500ms,1s' },
      }),
      startChangeEndpoint(),
    ]);
    demo = await demoOrg(stack);
    admin = createLocalStoreClient({ baseUrl: stack.local.url, token: ADMIN_TOKEN });
    // The directory, as an admin's sync brings it in (relayed by the store to the cloud).
    const { id } = await admin.directory.sync();
    await waitFor(async () => (await admin.directory.syncStatus(id)).status === 'completed', 'the directory sync');
    await settled(stack);
  }, 120_000);
  afterAll(async () => {
    await endpoint?.close();
    await stack?.close();
  });

  it('when a service holds a directory:read token, then it reads a filtered page of the directory and nothing else', async () => {
    const { secret } = await admin.tokens.create({ name: 'hr portal', scopes: ['directory:read'] });
    const service = createLocalStoreClient({ baseUrl: stack.local.url, token: secret });
    const below = (deptId: number): number[] => [deptId, ...demo.departments.filter((d) => d.parentId === deptId).flatMap((d) => below(d.deptId))];
    const engineering = demo.departments.find((d) => d.name === 'Engineering');
    if (!engineering) throw new Error('the demo org has an Engineering department');
    const inTree = new Set(below(engineering.deptId));
    const expected = [...demo.profiles.values()]
      .filter((p) => p.deptIds.some((d) => inTree.has(d)))
      .map((p) => p.userid)
      .sort();

    const first = await service.users.list({ deptId: engineering.deptId, includeSubDepartments: true, limit: 10 });
    expect(first.items.map((u) => u.userid)).toEqual(expected.slice(0, 10));
    const all: string[] = [];
    for await (const person of service.users.iterate({ deptId: engineering.deptId, includeSubDepartments: true, limit: 10 })) all.push(person.userid);
    expect(all).toEqual(expected);

    await expect(service.messages.list()).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(service.subscriptions.list()).rejects.toMatchObject({ status: 403 });
  });

  it('when a contact changes in DingTalk, then the endpoint receives one verified user.updated with the new profile — exactly once across a store restart', async () => {
    const { subscription, secret } = await admin.subscriptions.create({ url: endpoint.url, eventTypes: ['user.updated'] });
    endpoint.secrets.push(secret);
    await simControl(stack.sim.url, 'PUT', '/callbacks', { appUrl: `${stack.cloud.url}/callbacks/dingtalk?tenant=${stack.tenant.id}` });
    const updatesOf = (userid: string, title: string) =>
      endpoint.received.filter(
        (r) =>
          r.event.type === 'user.updated' &&
          (r.event as ChangeEvent<'user.updated'>).data.user.userid === userid &&
          (r.event as ChangeEvent<'user.updated'>).data.user.title === title,
      );

    // The first push is held by the endpoint while the store is told to stop: it finishes that push
    // and records it before exiting, so nothing is pushed twice after the restart.
    endpoint.holdMs = () => 1_500;
    await simControl(stack.sim.url, 'PATCH', `/orgs/${DEMO.corpId}/users/user010?notify=1`, { title: 'Staff Engineer' });
    await waitFor(() => updatesOf('user010', 'Staff Engineer').length > 0, 'the first push arriving');
    await stack.local.stop();
    endpoint.holdMs = () => 0;
    // A change while the store is down: the cloud keeps it, and the store gets it after its restart.
    await simControl(stack.sim.url, 'PATCH', `/orgs/${DEMO.corpId}/users/user011?notify=1`, { title: 'Tech Lead' });
    await stack.local.start();
    await waitFor(() => updatesOf('user011', 'Tech Lead').length > 0, 'the change made while the store was down', 30_000);

    const first = updatesOf('user010', 'Staff Engineer')[0]?.event as ChangeEvent<'user.updated'>;
    expect(first.data.user).toMatchObject({ userid: 'user010', name: demo.profiles.get('user010')?.name, title: 'Staff Engineer', active: true });
    // Settled: every delivery of the subscription recorded as delivered, and the endpoint saw each event once.
    await waitFor(async () => (await admin.subscriptions.deliveries(subscription.id, { status: 'delivered' })).items.length === 2, 'both deliveries recorded');
    // One attempt each: the held push was recorded before the store exited (not pushed again after its lease ran out).
    expect((await admin.subscriptions.deliveries(subscription.id)).items.map((d) => [d.status, d.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
    ]);
    expect(endpoint.received.map((r) => r.webhookId).sort()).toEqual([...new Set(endpoint.received.map((r) => r.webhookId))].sort());
    expect(updatesOf('user010', 'Staff Engineer')).toHaveLength(1);
    expect(updatesOf('user011', 'Tech Lead')).toHaveLength(1);
    expect(endpoint.refused).toBe(0);
    await admin.subscriptions.remove(subscription.id);
  }, 90_000);

  it('when a message is sent through the store while the cloud is down for 30 s, then the caller sees it queued, and DingTalk gets it once when the cloud is back', async () => {
    const { secret: subscriptionSecret, subscription } = await admin.subscriptions.create({ url: endpoint.url, eventTypes: ['message.*'] });
    endpoint.secrets.push(subscriptionSecret);
    const { secret } = await admin.tokens.create({ name: 'alerts', scopes: ['messages:send', 'messages:read'] });
    const service = createLocalStoreClient({ baseUrl: stack.local.url, token: secret });
    await simControl(stack.sim.url, 'DELETE', '/requests');

    await stack.cloud.stop();
    const downAt = Date.now();
    const sent = await service.messages.send(
      { recipients: { userIds: ['user020', 'user021'] }, msg: { msgtype: 'text', text: { content: 'Disk almost full on db-3' } } },
      { idempotencyKey: 'alert-db3-disk' },
    );
    expect(sent.status).toBe('queued');
    const waiting = await waitFor(async () => {
      const message = await service.messages.get(sent.id);
      return message.relayError ? message : undefined;
    }, 'a failed relay attempt');
    expect(waiting).toMatchObject({ id: sent.id, status: 'queued', cloudMessageId: null });
    // The caller retries (its own timeout, say): the same message, still queued.
    expect(
      await service.messages.send(
        { recipients: { userIds: ['user020', 'user021'] }, msg: { msgtype: 'text', text: { content: 'Disk almost full on db-3' } } },
        { idempotencyKey: 'alert-db3-disk' },
      ),
    ).toEqual(sent);
    // The outage's length is the scenario (the store keeps the message while the cloud stays away), not a wait for something.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - downAt))));
    expect(await service.messages.get(sent.id)).toMatchObject({ status: 'queued', cloudMessageId: null });
    await stack.cloud.start();

    const done = await waitFor(
      async () => {
        await simControl(stack.sim.url, 'POST', '/clock', { advanceMs: 5_000 });
        const message = await service.messages.get(sent.id);
        return message.status === 'completed' ? message : undefined;
      },
      'the message completed after the outage',
      60_000,
    );
    expect(done.recipients.map((r) => r.userid).sort()).toEqual(['user020', 'user021']);
    const sends = await simRequests(stack.sim.url, SEND_PATH);
    expect(sends.map((s) => (s.body as { userid_list?: string }).userid_list)).toEqual(['user020,user021']);
    expect(await count(stack.pg, "message_requests WHERE state = 'relayed'")).toBe(1);

    // Its story arrives at the endpoint as message.* events, all under the store's id.
    await waitFor(
      () =>
        endpoint.received.some((r) => r.event.type === 'message.updated' && (r.event as ChangeEvent<'message.updated'>).data.message.status === 'completed'),
      'message.updated completed',
    );
    const story = endpoint.received.filter((r) => r.event.type.startsWith('message.')).map((r) => r.event);
    expect(story[0]).toMatchObject({ type: 'message.created', data: { message: { id: sent.id, status: 'queued', cloudMessageId: null } } });
    expect(story.every((e) => (e.data as { message: { id: string } }).message.id === sent.id)).toBe(true);
    expect(story.some((e) => e.type === 'message.recipients.updated')).toBe(true);
    await admin.subscriptions.remove(subscription.id);
  }, 120_000);

  it('when input is bad — unknown scope, revoked or expired token, non-http(s) subscription URL, filter out of range — then 4xx names the field and nothing is written', async () => {
    const before = [await count(stack.pg, 'service_tokens'), await count(stack.pg, 'subscriptions'), await count(stack.pg, 'message_requests')];
    const refusal = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(error instanceof LocalStoreError)) throw new Error(`expected a refusal, got ${String(error)}`);
      return { status: error.status, fields: error.errors.map((e) => e.path) };
    };
    expect(await refusal(admin.tokens.create({ name: 'x', scopes: ['directory:write' as 'directory:read'] }))).toEqual({
      status: 400,
      fields: ['body.scopes.0'],
    });
    expect(await refusal(admin.subscriptions.create({ url: 'ftp://10.1.2.3/hook', eventTypes: ['user.*'] }))).toEqual({ status: 400, fields: ['body.url'] });
    expect(await refusal(admin.users.list({ deptId: -1 }))).toEqual({ status: 400, fields: ['query.deptId'] });
    expect(await refusal(admin.users.list({ limit: 1000 }))).toEqual({ status: 400, fields: ['query.limit'] });
    expect([await count(stack.pg, 'service_tokens'), await count(stack.pg, 'subscriptions'), await count(stack.pg, 'message_requests')]).toEqual(before);

    const { token, secret } = await admin.tokens.create({
      name: 'short-lived',
      scopes: ['messages:send'],
      expiresAt: new Date(Date.now() + 3_000).toISOString(),
    });
    const shortLived = createLocalStoreClient({ baseUrl: stack.local.url, token: secret });
    // Valid until it expires: refused for the scope it lacks (403), not as a credential (401).
    expect((await refusal(shortLived.users.list())).status).toBe(403);
    await waitFor(async () => Date.now() > Date.parse(token.expiresAt ?? ''), 'expiry');
    await expect(shortLived.messages.send({ recipients: { toAll: true }, msg: { msgtype: 'text', text: { content: 'late' } } })).rejects.toMatchObject({
      status: 401,
    });
    const revocable = await admin.tokens.create({ name: 'to revoke', scopes: ['messages:send'] });
    await admin.tokens.revoke(revocable.token.id);
    await expect(
      createLocalStoreClient({ baseUrl: stack.local.url, token: revocable.secret }).messages.send({
        recipients: { toAll: true },
        msg: { msgtype: 'text', text: { content: 'no' } },
      }),
    ).rejects.toMatchObject({ status: 401 });
    expect(await count(stack.pg, 'message_requests')).toBe(before[2]);
  }, 60_000);
});

// Events without a public URL: a stream tenant's Stream connection and the suite's (Stream or
// SyncHTTP) feed the same inbox and processing as HTTP callbacks, against the simulator.
import { DEMO, startSimulator, type RunningSim, type StreamMessage } from '@dtg/dingtalk-sim';
import { ADMIN_TOKEN, METRICS_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';
import { adminCall, createDemoTenant, pullEvents, warmUp } from './support/dingtalk-callbacks';
import { simControl, waitFor } from '@dtg/testkit';

const SECOND = DEMO.secondCorpId;
const FAST_STREAM = { streamAckTimeoutMs: 1000, streamRedeliveryDelayMs: 50, streamDisconnectGraceMs: 50 };

let sim: RunningSim;
let h: CloudHarness;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, config: FAST_STREAM });
});
afterAll(() => sim.close());
afterEach(async () => {
  await h.close();
  await simControl(sim.url, 'PUT', '/callbacks', { appUrl: null, suiteUrl: null, appMode: 'http', suiteMode: 'http' });
});

const dingtalkEnv = () => ({ DINGTALK_LOGIN_URL: sim.url, DINGTALK_API_URL: sim.url, DINGTALK_OAPI_URL: sim.url, STREAM_SUPERVISE_INTERVAL: '200ms' });
const simStream = (clientId?: string) =>
  simControl<{ connections: Array<{ closing: boolean }>; messages: StreamMessage[] }>(sim.url, 'GET', `/stream${clientId ? `?clientId=${clientId}` : ''}`);
const openConnections = async (clientId: string) => (await simStream(clientId)).connections.filter((c) => !c.closing).length;
const settled = () => waitFor(async () => (await h.services.db.callbackEvent.count({ where: { status: 'received' } })) === 0, 'callback events processed');

describe('an internal-app tenant in Stream mode', () => {
  let tenantId: string;
  let apiKey: string;

  beforeEach(async () => {
    await simControl(sim.url, 'POST', '/reset');
    await simControl(sim.url, 'PUT', '/callbacks', { appMode: 'stream' });
    h = await startCloud({ env: dingtalkEnv() });
    const created = await createDemoTenant(h, { callbackMode: 'stream' });
    expect(created.tenant).toMatchObject({ callbackMode: 'stream' });
    ({ id: tenantId, apiKey } = created);
    await waitFor(async () => (await openConnections(DEMO.app.appKey)) === 1, 'the tenant’s Stream connection');
  });

  it('when a contact changes, then the event arrives over Stream and reaches the tenant as user.upserted; operators see the connection', async () => {
    await simControl(sim.url, 'PATCH', `/orgs/${DEMO.corpId}/users/user030?notify=1`, { title: 'Stream Lead' });
    await waitFor(async () => (await pullEvents(h, apiKey)).length === 1, 'user.upserted');
    const [event] = await pullEvents(h, apiKey);
    expect(event).toMatchObject({ type: 'user.upserted', data: { users: [expect.objectContaining({ userid: 'user030', title: 'Stream Lead' })] } });
    const stored = await h.services.db.callbackEvent.findMany();
    expect(stored.map((e) => [e.source, e.eventType, e.corpId, e.status])).toEqual([[`app:${tenantId}`, 'user_modify_org', DEMO.corpId, 'processed']]);

    const connections = await adminCall(h, ADMIN_TOKEN, 'GET', '/admin/stream/connections');
    expect(connections.body.items).toEqual([
      expect.objectContaining({
        source: `app:${tenantId}`,
        tenantId,
        clientId: DEMO.app.appKey,
        state: 'open',
        connects: 1,
        eventsReceived: 1,
        lastError: null,
      }),
    ]);
    const metrics = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(new RegExp(`^dingtalk_stream_connection\\{source="app:${tenantId}",state="open"[^}]*\\} 1$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^dingtalk_stream_connection\\{source="app:${tenantId}",state="backoff"[^}]*\\} 0$`, 'm'));
  });

  it('when the socket drops as the cloud acknowledges, then the redelivered event changes nothing: one stored event, one outbox event', async () => {
    await simControl(sim.url, 'POST', '/stream/drop', { when: 'on-ack' });
    const pushed = await simControl<{ messageId: string }>(sim.url, 'POST', '/stream/events', {
      target: 'app',
      eventType: 'user_modify_org',
      data: { timeStamp: '1', userId: ['user031'] },
    });
    await waitFor(
      async () => (await simStream()).messages.find((m) => m.messageId === pushed.messageId)?.state === 'acked',
      'acknowledged after the reconnect',
    );
    const message = (await simStream()).messages.find((m) => m.messageId === pushed.messageId);
    expect(message?.deliveries.map((d) => d.outcome)).toEqual(['dropped', 'SUCCESS']);
    await settled();
    expect(await h.services.db.callbackEvent.count()).toBe(1);
    expect((await pullEvents(h, apiKey)).map((e) => e.type)).toEqual(['user.upserted']);
    const [connection] = (await adminCall(h, ADMIN_TOKEN, 'GET', '/admin/stream/connections')).body.items as Array<{
      connects: number;
      eventsReceived: number;
    }>;
    expect(connection).toMatchObject({ connects: 2, eventsReceived: 2 });
  });

  it('when the tenant switches to http, is suspended or comes back, then its connection closes and reopens accordingly', async () => {
    expect((await adminCall(h, ADMIN_TOKEN, 'PATCH', `/admin/tenants/${tenantId}`, { callbackMode: 'http' })).status).toBe(200);
    await waitFor(async () => (await openConnections(DEMO.app.appKey)) === 0 && h.services.stream.list().length === 0, 'closed after switching to http');
    await adminCall(h, ADMIN_TOKEN, 'PATCH', `/admin/tenants/${tenantId}`, { callbackMode: 'stream' });
    await waitFor(async () => (await openConnections(DEMO.app.appKey)) === 1, 'reopened');
    await adminCall(h, ADMIN_TOKEN, 'POST', `/admin/tenants/${tenantId}/suspend`);
    await waitFor(async () => (await openConnections(DEMO.app.appKey)) === 0, 'closed when suspended');
    await adminCall(h, ADMIN_TOKEN, 'POST', `/admin/tenants/${tenantId}/activate`);
    await waitFor(async () => (await openConnections(DEMO.app.appKey)) === 1, 'reopened when activated');
    // A change made behind the API's back (the admin CLI works on the database) is picked up too.
    await h.services.db.tenant.update({ where: { id: tenantId }, data: { callbackMode: 'http' } });
    await waitFor(async () => (await openConnections(DEMO.app.appKey)) === 0, 'closed after a direct database change');
  });

  it('when the cloud shuts down, then it closes its Stream connection', async () => {
    await h.close();
    await waitFor(async () => (await openConnections(DEMO.app.appKey)) === 0, 'no connection left');
    h = await startCloud({ env: dingtalkEnv() });
  });

  it('when a suite install or a bad value asks for stream, then 400 names callbackMode and nothing changes', async () => {
    const isv = await adminCall(h, ADMIN_TOKEN, 'POST', '/admin/tenants', { name: 'ISV', corpId: SECOND, mode: 'isv', callbackMode: 'stream' });
    expect(isv.status).toBe(400);
    expect(JSON.stringify(isv.body)).toContain('callbackMode');
    const bad = await adminCall(h, ADMIN_TOKEN, 'PATCH', `/admin/tenants/${tenantId}`, { callbackMode: 'websocket' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('callbackMode');
    expect(await h.services.db.tenant.count()).toBe(1);
    expect((await h.services.tenants.get(tenantId)).callbackMode).toBe('stream');
  });
});

describe('the suite over Stream and over SyncHTTP', () => {
  const suiteEnv = (mode: 'http' | 'stream') => ({
    ...dingtalkEnv(),
    SUITE_KEY: DEMO.suite.suiteKey,
    SUITE_SECRET: DEMO.suite.suiteSecret,
    SUITE_CALLBACK_TOKEN: DEMO.suite.callbackToken,
    SUITE_CALLBACK_AES_KEY: DEMO.suite.aesKey,
    SUITE_EVENT_MODE: mode,
  });
  const isvTenant = () => h.services.db.tenant.findUnique({ where: { corpId_mode: { corpId: SECOND, mode: 'isv' } } });

  /** Ticket, install, a contact change and a leaver, then the org removes the suite: what the tenant and the cloud end up with. */
  async function lifecycle(): Promise<Array<[string, unknown]>> {
    const { ticket } = await simControl<{ ticket: string }>(sim.url, 'POST', '/suite/ticket', {});
    await waitFor(async () => (await h.services.dingtalk.tickets.current(DEMO.suite.suiteKey)) === ticket, 'ticket stored');
    await simControl(sim.url, 'POST', `/orgs/${SECOND}/install-suite`, {});
    const tenant = await waitFor(isvTenant, 'ISV tenant created');
    await settled();
    const key = await adminCall(h, ADMIN_TOKEN, 'POST', `/admin/tenants/${tenant.id}/api-keys`, { name: 'store' });
    await simControl(sim.url, 'PATCH', `/orgs/${SECOND}/users/second006?notify=1`, { title: 'Suite Lead' });
    await simControl(sim.url, 'DELETE', `/orgs/${SECOND}/users/second007?notify=1`);
    await simControl(sim.url, 'PATCH', `/orgs/${SECOND}/departments/1?notify=1`, { name: 'Second HQ' });
    await waitFor(async () => (await pullEvents(h, String(key.body.key))).length === 4, 'four events for the ISV tenant');
    await simControl(sim.url, 'DELETE', `/orgs/${SECOND}/install-suite`);
    await waitFor(async () => (await isvTenant())?.status === 'suspended', 'tenant suspended');
    // A suspended tenant may not pull any more: its outbox is read directly.
    const events = await h.services.db.event.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } });
    return events.map((e) => [e.type, JSON.parse(e.data) as unknown]);
  }

  const expected = (agentId: unknown) => [
    ['tenant.authorization.changed', { corpId: SECOND, status: 'active', agentId }],
    ['user.upserted', { users: [expect.objectContaining({ userid: 'second006', title: 'Suite Lead', unionId: expect.stringMatching(/^isvunion-/) })] }],
    ['user.removed', { userids: ['second007'] }],
    ['department.upserted', { departments: [{ deptId: 1, name: 'Second HQ', parentId: null }] }],
    ['tenant.authorization.changed', { corpId: SECOND, status: 'suspended', agentId }],
  ];

  it('when SUITE_EVENT_MODE is stream, then tickets, the authorisation, contacts and the removal arrive over the suite’s connection', async () => {
    await simControl(sim.url, 'POST', '/reset');
    await simControl(sim.url, 'PUT', '/callbacks', { suiteMode: 'stream', suiteUrl: null });
    h = await startCloud({ env: suiteEnv('stream') });
    await waitFor(async () => (await openConnections(DEMO.suite.suiteKey)) === 1, 'the suite’s Stream connection');
    expect(await lifecycle()).toEqual(expected(expect.any(Number)));
    const sources = new Set((await h.services.db.callbackEvent.findMany()).map((e) => e.source));
    expect([...sources]).toEqual([`suite:${DEMO.suite.suiteKey}`]);
  });

  it('when the suite pushes SyncHTTP rows, then biz_type 2, 4, 13 and 14 drive the same handling', async () => {
    await simControl(sim.url, 'POST', '/reset');
    h = await startCloud({ env: suiteEnv('http') });
    const suiteUrl = `${h.url}/callbacks/dingtalk/suite`;
    await warmUp(suiteUrl, { token: DEMO.suite.callbackToken, aesKey: DEMO.suite.aesKey, ownerKey: DEMO.suite.suiteKey });
    await simControl(sim.url, 'PUT', '/callbacks', { suiteMode: 'synchttp', suiteUrl });
    expect(await lifecycle()).toEqual(expected(expect.any(Number)));
    const types = (await h.services.db.callbackEvent.findMany({ orderBy: { receivedAt: 'asc' } })).map((e) => e.eventType);
    expect(new Set(types)).toEqual(new Set(['SYNC_HTTP_PUSH_HIGH', 'SYNC_HTTP_PUSH_MEDIUM']));
    // No legacy activation step over SyncHTTP.
    expect(await simControl(sim.url, 'GET', '/requests?pathPrefix=/service/get_permanent_code')).toEqual([]);
  });
});

import WebSocket from 'ws';
import { CallbackCrypto, DEMO, type StreamMessage } from '../src';
import { CallbackReceiver } from './callback-receiver';
import { RawStreamClient, type Frame } from './raw-stream-client';
import { useSimulator } from './sim-client';
import { waitFor } from '@dtg/testkit';

const sim = useSimulator({ config: { streamAckTimeoutMs: 400, streamRedeliveryDelayMs: 50, streamDisconnectGraceMs: 100 } });
const appCreds = { clientId: DEMO.app.appKey, clientSecret: DEMO.app.appSecret };
const suiteCreds = { clientId: DEMO.suite.suiteKey, clientSecret: DEMO.suite.suiteSecret };
const OPEN = '/v1.0/gateway/connections/open';

const clients: RawStreamClient[] = [];
async function connect(
  credentials: { clientId: string; clientSecret: string } = appCreds,
  subscriptions?: Array<{ type: string; topic: string }>,
): Promise<RawStreamClient> {
  const client = await RawStreamClient.connect(sim().url, credentials, subscriptions);
  clients.push(client);
  return client;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

const message = (id: string): StreamMessage | undefined => sim().running.sim.world.stream.message(id);
const pushEvent = (body: Record<string, unknown>) => sim().control<{ messageId: string; eventId: string }>('POST', '/stream/events', body);
const isEvent = (eventId: string) => (f: Frame) => f.type === 'EVENT' && f.headers['eventId'] === eventId;

describe('Stream gateway: connections/open', () => {
  it('when the credentials are right, then it answers a ws endpoint and a ticket', async () => {
    const r = await sim().api<{ endpoint: string; ticket: string }>('POST', OPEN, undefined, {
      ...appCreds,
      subscriptions: [{ type: 'EVENT', topic: '*' }],
      ua: 'test',
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ endpoint: `ws://${new URL(sim().url).host}/connect`, ticket: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const logged = sim().running.sim.requestLog({ pathPrefix: OPEN })[0];
    expect(JSON.stringify(logged?.body)).not.toContain(DEMO.app.appSecret);
  });

  it('when the app is unknown, the secret wrong, a field missing or the subscriptions malformed, then 400 in the new host model', async () => {
    const open = (body: Record<string, unknown>) => sim().api<{ code: string; message: string; requestid: string }>('POST', OPEN, undefined, body);
    const subs = [{ type: 'EVENT', topic: '*' }];
    const unknown = await open({ clientId: 'nosuchapp', clientSecret: 'x', subscriptions: subs });
    expect(unknown).toMatchObject({ status: 400, body: { code: 'invalidClientIdOrSecret', message: expect.stringContaining('no app or suite') } });
    const wrong = await open({ ...appCreds, clientSecret: 'wrong', subscriptions: subs });
    expect(wrong).toMatchObject({ status: 400, body: { code: 'invalidClientIdOrSecret', message: expect.stringContaining('does not match') } });
    expect((await open({ clientId: DEMO.app.appKey, subscriptions: subs })).body.code).toBe('MissingclientSecret');
    expect((await open({ ...appCreds, subscriptions: [{ type: 'PUSH', topic: '*' }] })).body.code).toBe('invalidParameter');
    expect((await open({ ...appCreds, subscriptions: [] })).body.code).toBe('invalidParameter');
  });

  it('when a ticket is used twice, expired or missing, then the WebSocket upgrade is refused with 401', async () => {
    const r = await sim().api<{ endpoint: string; ticket: string }>('POST', OPEN, undefined, { ...appCreds, subscriptions: [{ type: 'EVENT', topic: '*' }] });
    const url = `${r.body.endpoint}?ticket=${r.body.ticket}`;
    const first = new WebSocket(url);
    await new Promise((resolve) => first.once('open', resolve));
    first.terminate();
    const status = (u: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(u);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => undefined);
      });
    expect(await status(url)).toBe(401);
    expect(await status(r.body.endpoint)).toBe(401);
    sim().running.sim.updateConfig({ streamTicketLifetimeMs: 0 });
    const late = await sim().api<{ endpoint: string; ticket: string }>('POST', OPEN, undefined, {
      ...appCreds,
      subscriptions: [{ type: 'EVENT', topic: '*' }],
    });
    sim().running.sim.clock.advance(1);
    expect(await status(`${late.body.endpoint}?ticket=${late.body.ticket}`)).toBe(401);
  });
});

describe('Stream gateway: frames', () => {
  it('when a client connects, then it gets SYSTEM CONNECTED and REGISTERED; a ping is counted once echoed', async () => {
    const client = await connect();
    await client.next((f) => f.type === 'SYSTEM' && f.headers['topic'] === 'REGISTERED');
    expect(client.frames.slice(0, 2).map((f) => f.headers['topic'])).toEqual(['CONNECTED', 'REGISTERED']);
    await sim().control('POST', '/stream/ping', {});
    const ping = await client.next((f) => f.headers['topic'] === 'ping');
    expect(JSON.parse(ping.data)).toEqual({ opaque: expect.any(String) });
    expect(sim().running.sim.streamState().connections[0]).toMatchObject({ pingsSent: 1, pongs: 0 });
    client.socket.send(JSON.stringify({ code: 200, headers: ping.headers, message: 'OK', data: ping.data }));
    await waitFor(() => sim().running.sim.streamState().connections[0]?.pongs === 1, 'pong counted');
  });

  it('when an event is pushed, then its frame carries the documented headers and a JSON-string data; SUCCESS settles it', async () => {
    const client = await connect();
    const pushed = await pushEvent({ target: 'app', eventType: 'user_modify_org', data: { timeStamp: '1', userId: ['user007'] } });
    const frame = await client.next(isEvent(pushed.body.eventId));
    expect(frame).toEqual({
      specVersion: '1.0',
      type: 'EVENT',
      headers: expect.objectContaining({
        messageId: pushed.body.messageId,
        eventId: pushed.body.eventId,
        eventType: 'user_modify_org',
        topic: 'user_modify_org',
        eventCorpId: DEMO.corpId,
        contentType: 'application/json',
        eventBornTime: expect.stringMatching(/^\d+$/),
        time: expect.stringMatching(/^\d+$/),
        connectionId: expect.any(String),
        eventUnifiedAppId: expect.stringMatching(/^[0-9a-f]{8}-/),
      }),
      data: JSON.stringify({ timeStamp: '1', userId: ['user007'] }),
    });
    client.ack(frame);
    await waitFor(() => message(pushed.body.messageId)?.state === 'acked', 'acked');
    // Acked and nothing scheduled for it: no timer is left that could deliver it again.
    expect(sim().running.sim.world.stream.scheduled(pushed.body.messageId)).toBe(false);
    expect(message(pushed.body.messageId)?.deliveries).toHaveLength(1);
    expect(client.events()).toHaveLength(1);
  });

  it('when an event is not acknowledged or answered LATER, then it is delivered again with the same messageId and eventId', async () => {
    const client = await connect();
    const pushed = await pushEvent({ target: 'app', eventType: 'org_dept_modify', data: { deptId: [5] } });
    await client.next(isEvent(pushed.body.eventId));
    // No ack: redelivered after the ack timeout.
    await waitFor(() => client.events().length === 2, 'redelivery after the ack timeout');
    const [first, second] = client.events();
    expect(second?.headers['messageId']).toBe(first?.headers['messageId']);
    client.ack(second as Frame, 'LATER');
    await waitFor(() => client.events().length === 3, 'redelivery after LATER');
    client.ack(client.events()[2] as Frame);
    await waitFor(() => message(pushed.body.messageId)?.state === 'acked', 'acked');
    expect(message(pushed.body.messageId)?.deliveries.map((d) => d.outcome)).toEqual(['timeout', 'LATER', 'SUCCESS']);
  });

  it('when an app has two connections, then each event reaches exactly one of them, and both get some', async () => {
    const [a, b] = [await connect(), await connect()];
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) ids.push((await pushEvent({ target: 'app', eventType: 'user_add_org', data: { userId: [`u${i}`] } })).body.messageId);
    for (const c of [a, b]) c.socket.on('message', () => undefined);
    await waitFor(() => a.events().length + b.events().length === 10, 'ten deliveries');
    for (const f of [...a.events(), ...b.events()]) (a.events().includes(f) ? a : b).ack(f);
    await waitFor(() => ids.every((id) => message(id)?.state === 'acked'), 'all acked');
    expect(a.events().length).toBeGreaterThan(0);
    expect(b.events().length).toBeGreaterThan(0);
    expect(ids.every((id) => message(id)?.deliveries.length === 1)).toBe(true);
    expect(new Set([...a.events(), ...b.events()].map((f) => f.headers['messageId'])).size).toBe(10);
  });

  it('when only a CALLBACK topic is subscribed, then events wait and the callback arrives; its reply is kept', async () => {
    const client = await connect(appCreds, [{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }]);
    const event = await pushEvent({ target: 'app', eventType: 'user_add_org', data: {} });
    const cb = await sim().control<{ messageId: string }>('POST', '/stream/callbacks', {
      target: 'app',
      topic: '/v1.0/im/bot/messages/get',
      data: { text: { content: 'hi' } },
    });
    const frame = await client.next((f) => f.type === 'CALLBACK');
    expect(frame.headers['topic']).toBe('/v1.0/im/bot/messages/get');
    client.reply(frame, { response: { ok: true } });
    await waitFor(() => message(cb.body.messageId)?.state === 'acked', 'callback answered');
    expect(message(cb.body.messageId)?.reply).toEqual({ response: { ok: true } });
    expect(message(event.body.messageId)).toMatchObject({ state: 'pending', deliveries: [] });
  });
});

describe('Stream gateway: failures', () => {
  it('when the socket drops as the client acknowledges, then the event is delivered again on the next connection', async () => {
    const first = await connect();
    await sim().control('POST', '/stream/drop', { when: 'on-ack' });
    const pushed = await pushEvent({ target: 'app', eventType: 'user_modify_org', data: { userId: ['user009'] } });
    first.ack(await first.next(isEvent(pushed.body.eventId)));
    await first.waitClosed();
    expect(message(pushed.body.messageId)?.state).not.toBe('acked');
    const second = await connect();
    const again = await second.next(isEvent(pushed.body.eventId));
    expect(again.headers['messageId']).toBe(pushed.body.messageId);
    second.ack(again);
    await waitFor(() => message(pushed.body.messageId)?.state === 'acked', 'acked on the second connection');
    expect(message(pushed.body.messageId)?.deliveries.map((d) => d.outcome)).toEqual(['dropped', 'SUCCESS']);
  });

  it('when the server says disconnect, then SYSTEM disconnect comes first, the socket closes, and what was in flight moves on', async () => {
    const first = await connect();
    const pushed = await pushEvent({ target: 'app', eventType: 'user_leave_org', data: { userId: ['user010'] } });
    await first.next(isEvent(pushed.body.eventId));
    const answer = await sim().control<{ connections: string[] }>('POST', '/stream/disconnect', { clientId: DEMO.app.appKey });
    expect(answer.body.connections).toHaveLength(1);
    await first.next((f) => f.type === 'SYSTEM' && f.headers['topic'] === 'disconnect');
    await first.waitClosed();
    const second = await connect();
    second.ack(await second.next(isEvent(pushed.body.eventId)));
    await waitFor(() => message(pushed.body.messageId)?.state === 'acked', 'acked after reconnecting');
  });

  it('when events are published while no connection is open, then they are delivered once one opens', async () => {
    const pushed = await pushEvent({ target: 'suite', eventType: 'suite_ticket', data: { suiteTicket: 't-1' } });
    expect(message(pushed.body.messageId)?.state).toBe('pending');
    const client = await connect(suiteCreds);
    const frame = await client.next(isEvent(pushed.body.eventId));
    expect(JSON.parse(frame.data)).toEqual({ suiteTicket: 't-1' });
  });
});

describe('push modes', () => {
  const receiver = new CallbackReceiver(new CallbackCrypto(DEMO.suite.callbackToken, DEMO.suite.aesKey, DEMO.suite.suiteKey));
  let suiteUrl: string;
  beforeAll(async () => {
    suiteUrl = await receiver.start();
  });
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.received.length = 0;
  });

  it('when the app is in Stream mode, then contact changes arrive as events with camelCase data', async () => {
    await sim().control('PUT', '/callbacks', { appMode: 'stream' });
    const client = await connect();
    await sim().control('PATCH', `/orgs/${DEMO.corpId}/users/user011?notify=1`, { title: 'Lead' });
    await sim().control('POST', `/orgs/${DEMO.corpId}/departments?notify=1`, { name: 'QA', parentId: 2, deptId: 50 });
    const user = await client.next((f) => f.headers['eventType'] === 'user_modify_org');
    expect(JSON.parse(user.data)).toEqual({ timeStamp: expect.any(String), userId: ['user011'] });
    expect(user.headers['eventCorpId']).toBe(DEMO.corpId);
    const dept = await client.next((f) => f.headers['eventType'] === 'org_dept_create');
    expect(JSON.parse(dept.data)).toEqual({ timeStamp: expect.any(String), deptId: [50] });
    await sim().control('PUT', '/callbacks', { appMode: 'http' });
  });

  it('when the suite is in Stream mode, then tickets, installs, contacts and removals arrive as Stream events', async () => {
    await sim().control('PUT', '/callbacks', { suiteMode: 'stream', suiteUrl: null });
    const client = await connect(suiteCreds);
    const { body: rotated } = await sim().control<{ ticket: string }>('POST', '/suite/ticket', {});
    const ticket = await client.next((f) => f.headers['eventType'] === 'suite_ticket');
    expect(JSON.parse(ticket.data)).toEqual({ suiteTicket: rotated.ticket });
    await sim().control('POST', `/orgs/${DEMO.secondCorpId}/install-suite`, {});
    const auth = await client.next((f) => f.headers['eventType'] === 'org_suite_auth');
    expect(auth.headers['eventCorpId']).toBe(DEMO.secondCorpId);
    expect(JSON.parse(auth.data)).toMatchObject({
      authCorpInfo: { corpid: DEMO.secondCorpId, corpName: DEMO.secondCorpName },
      authInfo: { agent: [{ agentid: expect.any(Number) }] },
    });
    await sim().control('DELETE', `/orgs/${DEMO.secondCorpId}/users/second010?notify=1`);
    const left = await client.next((f) => f.headers['eventType'] === 'user_leave_org');
    expect(JSON.parse(left.data)).toMatchObject({ userId: ['second010'] });
    await sim().control('DELETE', `/orgs/${DEMO.secondCorpId}/install-suite`);
    const relieved = await client.next((f) => f.headers['eventType'] === 'org_suite_relieve');
    expect(JSON.parse(relieved.data)).toEqual({ authCorpId: DEMO.secondCorpId });
    await sim().control('PUT', '/callbacks', { suiteMode: 'http' });
  });

  it('when the suite is in SyncHTTP mode, then biz_type 2, 4, 13 and 14 rows arrive encrypted at its URL', async () => {
    await sim().control('PUT', '/callbacks', { suiteMode: 'synchttp', suiteUrl });
    const rows = () =>
      receiver.received.flatMap((r) =>
        (r.event['bizData'] as Array<Record<string, unknown>>).map((row) => ({
          type: r.event['EventType'],
          bizType: row['biz_type'],
          bizId: row['biz_id'],
          data: JSON.parse(String(row['biz_data'])) as Record<string, unknown>,
        })),
      );
    const { body: rotated } = await sim().control<{ ticket: string }>('POST', '/suite/ticket', {});
    await sim().control('POST', `/orgs/${DEMO.secondCorpId}/install-suite`, {});
    await sim().control('PATCH', `/orgs/${DEMO.secondCorpId}/users/second003?notify=1`, { title: 'Boss' });
    await sim().control('DELETE', `/orgs/${DEMO.secondCorpId}/users/second004?notify=1`);
    await sim().control('PATCH', `/orgs/${DEMO.secondCorpId}/departments/1?notify=1`, { name: 'Second HQ' });
    expect(rows().map((r) => [r.type, r.bizType, r.bizId, r.data['syncAction']])).toEqual([
      ['SYNC_HTTP_PUSH_HIGH', 2, String(DEMO.suite.suiteId), 'suite_ticket'],
      ['SYNC_HTTP_PUSH_HIGH', 4, String(DEMO.suite.suiteId), 'org_suite_auth'],
      ['SYNC_HTTP_PUSH_MEDIUM', 13, 'second003', 'user_modify_org'],
      ['SYNC_HTTP_PUSH_MEDIUM', 13, 'second004', 'user_leave_org'],
      ['SYNC_HTTP_PUSH_MEDIUM', 14, '1', 'org_dept_modify'],
    ]);
    expect(rows()[0]?.data['suiteTicket']).toBe(rotated.ticket);
    expect(rows()[2]?.data).toMatchObject({ userid: 'second003', title: 'Boss' });
    expect(rows()[2]?.data).not.toHaveProperty('mobile');
    expect(rows()[4]?.data).toMatchObject({ dept_id: 1, name: 'Second HQ' });
    expect(receiver.events('tmp_auth_code')).toEqual([]);
    await sim().control('PUT', '/callbacks', { suiteMode: 'http', suiteUrl: null });
  });
});

// Stream mode across real processes: the simulator (its Stream gateway over WebSocket), the cloud
// holding the tenant's Stream connection, and the local store's Postgres. A contact change travels
// DingTalk → Stream → cloud inbox → outbox → webhook → store; a socket dropped as the cloud acks
// gets the event redelivered, and the store still applies the change exactly once.
import { DEMO, type StreamMessage } from '@dtg/dingtalk-sim';
import { call, simControl, simRequests, type Stack, startStack, waitFor } from '@dtg/testkit';
import { expectNoSecretsInLogs, secretsSeenBySim } from './support/secret-scan';

interface StreamState {
  connections: Array<{ connectionId: string; closing: boolean }>;
  messages: StreamMessage[];
}

describe('Stream mode end to end (real processes)', () => {
  let stack: Stack;
  const streamState = () => simControl<StreamState>(stack.sim.url, 'GET', `/stream?clientId=${DEMO.app.appKey}`);
  const title = async (userid: string) =>
    (await stack.pg.query<{ title: string | null }>('SELECT title FROM users WHERE tenant_id = $1 AND userid = $2', [stack.tenant.id, userid])).rows[0]?.title;
  const applied = async (type: string) =>
    Number((await stack.pg.query('SELECT count(*)::int AS n FROM processed_events WHERE tenant_id = $1 AND type = $2', [stack.tenant.id, type])).rows[0].n);

  beforeAll(async () => {
    // Debug logging, so the final scan sees everything the cloud could print about its connections.
    stack = await startStack({ cloudEnv: { STREAM_SUPERVISE_INTERVAL: '500ms', LOG_LEVEL: 'debug' } });
    await simControl(stack.sim.url, 'PATCH', '/config', { streamAckTimeoutMs: 2000, streamRedeliveryDelayMs: 100, streamDisconnectGraceMs: 100 });
    await simControl(stack.sim.url, 'PUT', '/callbacks', { appMode: 'stream' });
    const switched = await stack.admin('PATCH', `/admin/tenants/${stack.tenant.id}`, { callbackMode: 'stream' });
    expect(switched.status).toBe(200);
    await waitFor(async () => (await streamState()).connections.length === 1, 'the cloud’s Stream connection');
  }, 120_000);
  afterAll(() => stack.close());

  it('when a user changes in DingTalk, then the change reaches the local store over Stream, with no callback URL anywhere', async () => {
    await simControl(stack.sim.url, 'PATCH', `/orgs/${DEMO.corpId}/users/user040?notify=1`, { title: 'Streamed' });
    await waitFor(async () => (await title('user040')) === 'Streamed', 'user040 updated in Postgres');
    const callbacks = await simControl<{ appUrl?: string; deliveries: unknown[] }>(stack.sim.url, 'GET', '/callbacks');
    expect(callbacks).toMatchObject({ deliveries: [] });
    expect(callbacks.appUrl).toBeUndefined();
  });

  it('when the socket drops as the cloud acknowledges, then the event is redelivered and applied once at the local store', async () => {
    const before = await applied('user.upserted');
    // The cloud reads the current record when it handles the event, so the change comes first.
    await simControl(stack.sim.url, 'PATCH', `/orgs/${DEMO.corpId}/users/user041`, { title: 'Once' });
    await simControl(stack.sim.url, 'POST', '/stream/drop', { when: 'on-ack' });
    const pushed = await simControl<{ messageId: string }>(stack.sim.url, 'POST', '/stream/events', {
      target: 'app',
      eventType: 'user_modify_org',
      data: { timeStamp: String(Date.now()), userId: ['user041'] },
    });
    const message = await waitFor(async () => {
      const m = (await streamState()).messages.find((x) => x.messageId === pushed.messageId);
      return m?.state === 'acked' ? m : undefined;
    }, 'acknowledged on the new connection');
    expect(message.deliveries.map((d) => d.outcome)).toEqual(['dropped', 'SUCCESS']);
    await waitFor(async () => (await title('user041')) === 'Once', 'user041 updated in Postgres');
    await waitFor(async () => (await applied('user.upserted')) === before + 1, 'one more applied event');
    // Two deliveries, one event: the cloud's outbox holds a single user.upserted for user041.
    const pulled = await call<{ events: Array<{ type: string; data: { users?: Array<{ userid: string }> } }> }>(
      stack.cloud.url,
      'GET',
      '/v1/events?after=0&limit=1000',
      { token: stack.tenant.apiKey },
    );
    expect(pulled.body.events.filter((e) => e.type === 'user.upserted' && e.data.users?.some((u) => u.userid === 'user041'))).toHaveLength(1);
  });

  it('when DingTalk asks the connection to disconnect, then the cloud reconnects and keeps applying changes', async () => {
    const [first] = (await streamState()).connections;
    await simControl(stack.sim.url, 'POST', '/stream/disconnect', { clientId: DEMO.app.appKey });
    await waitFor(async () => {
      const { connections } = await streamState();
      return connections.length === 1 && connections[0]?.connectionId !== first?.connectionId;
    }, 'a new connection');
    await simControl(stack.sim.url, 'PATCH', `/orgs/${DEMO.corpId}/users/user042?notify=1`, { title: 'After reconnect' });
    await waitFor(async () => (await title('user042')) === 'After reconnect', 'user042 updated in Postgres');
    const connections = await stack.admin('GET', '/admin/stream/connections');
    expect(connections.body.items).toEqual([expect.objectContaining({ source: `app:${stack.tenant.id}`, state: 'open', connects: 3 })]);
  });

  it('when all that has happened, then no secret reached the cloud’s log: not the AppSecret sent with every connections/open, nor a token', async () => {
    const text = stack.cloud.output.join('');
    expect(text).toContain('Stream connection open');
    expectNoSecretsInLogs(text, [
      { name: 'DingTalk app secret', value: DEMO.app.appSecret },
      { name: 'tenant API key', value: stack.tenant.apiKey },
      { name: 'webhook secret', value: stack.tenant.webhookSecret },
      ...secretsSeenBySim(await simRequests(stack.sim.url)),
    ]);
  });
});

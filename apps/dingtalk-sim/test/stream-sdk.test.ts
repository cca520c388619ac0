// The official Node SDK (npm dingtalk-stream, unmodified) against the simulator's Stream gateway: if
// DingTalk's own client works here, the simulator speaks the protocol as DingTalk does. The SDK
// hard-codes https://api.dingtalk.com/v1.0/gateway/connections/open and posts it with the default
// axios instance, so the one change is an axios request interceptor that points that URL at the
// simulator — nothing of the SDK is patched or mocked.
import axios from 'axios';
import { DWClient, EventAck, GATEWAY_URL, type DWClientDownStream } from 'dingtalk-stream';
import { DEMO } from '../src';
import { useSimulator } from './sim-client';
import { waitFor } from '@dtg/testkit';

const sim = useSimulator({ config: { streamAckTimeoutMs: 500, streamRedeliveryDelayMs: 50, streamDisconnectGraceMs: 50 } });

describe('the official dingtalk-stream SDK against the simulator', () => {
  let interceptor: number;
  let client: DWClient;
  const received: DWClientDownStream[] = [];

  beforeAll(() => {
    const gateway = new URL(GATEWAY_URL);
    interceptor = axios.interceptors.request.use((config) => {
      if (config.url?.startsWith(gateway.origin)) config.url = `${sim().url}${config.url.slice(gateway.origin.length)}`;
      return config;
    });
  });
  afterAll(() => {
    axios.interceptors.request.eject(interceptor);
  });
  afterEach(() => {
    client.disconnect();
    received.length = 0;
  });

  async function connected(setUp: (c: DWClient) => void = () => undefined): Promise<DWClient> {
    client = new DWClient({ clientId: DEMO.app.appKey, clientSecret: DEMO.app.appSecret });
    setUp(client);
    client.registerAllEventListener((message) => {
      received.push(message);
      return { status: EventAck.SUCCESS };
    });
    await client.connect();
    await waitFor(() => client.registered, 'the SDK saw REGISTERED');
    return client;
  }

  it('when the SDK connects, then it registers, receives an event with its headers and data, and its SUCCESS ack settles it', async () => {
    await connected();
    const pushed = await sim().control<{ messageId: string; eventId: string }>('POST', '/stream/events', {
      target: 'app',
      eventType: 'user_add_org',
      data: { timeStamp: '1700000000000', userId: ['user012'] },
    });
    const message = await waitFor(() => received.find((m) => m.headers.eventId === pushed.body.eventId), 'the event reached the SDK');
    expect(message.type).toBe('EVENT');
    expect(message.headers).toMatchObject({ eventType: 'user_add_org', eventCorpId: DEMO.corpId, messageId: pushed.body.messageId });
    expect(JSON.parse(message.data)).toEqual({ timeStamp: '1700000000000', userId: ['user012'] });
    await waitFor(() => sim().running.sim.world.stream.message(pushed.body.messageId)?.state === 'acked', 'the SDK ack settled the message');
    expect(received.filter((m) => m.headers.eventId === pushed.body.eventId)).toHaveLength(1);
  });

  it('when the simulator pings, then the SDK answers and the pong is counted', async () => {
    await connected();
    await sim().control('POST', '/stream/ping', { clientId: DEMO.app.appKey });
    await waitFor(() => sim().running.sim.streamState(DEMO.app.appKey).connections[0]?.pongs === 1, 'the SDK echoed the ping');
  });

  it('when a CALLBACK arrives, then the SDK emits it on its topic and its socketCallBackResponse becomes the reply', async () => {
    const topic = '/v1.0/im/bot/messages/get';
    // Registered before connecting: the SDK sends its subscriptions with connections/open.
    await connected((c) =>
      c.registerCallbackListener(topic, (message: DWClientDownStream) => {
        c.socketCallBackResponse(message.headers.messageId, { text: 'pong' });
      }),
    );
    const [subscribed] = sim().running.sim.streamState(DEMO.app.appKey).connections;
    expect(subscribed?.subscriptions).toEqual([
      { type: 'EVENT', topic: '*' },
      { type: 'CALLBACK', topic },
    ]);
    const pushed = await sim().control<{ messageId: string }>('POST', '/stream/callbacks', { target: 'app', topic, data: { text: { content: 'ping' } } });
    await waitFor(() => sim().running.sim.world.stream.message(pushed.body.messageId)?.state === 'acked', 'the SDK answered the callback');
    expect(sim().running.sim.world.stream.message(pushed.body.messageId)?.reply).toEqual({ response: { text: 'pong' } });
  });

  it('when the simulator says disconnect, then the SDK reconnects with a new ticket and keeps receiving', async () => {
    await connected();
    const before = sim().running.sim.requestLog({ pathPrefix: '/v1.0/gateway/connections/open' }).length;
    await sim().control('POST', '/stream/disconnect', { clientId: DEMO.app.appKey });
    await waitFor(() => sim().running.sim.requestLog({ pathPrefix: '/v1.0/gateway/connections/open' }).length > before, 'the SDK opened a new connection');
    await waitFor(
      () =>
        client.registered &&
        sim()
          .running.sim.streamState(DEMO.app.appKey)
          .connections.some((c) => !c.closing),
      'registered on the new connection',
    );
    const pushed = await sim().control<{ eventId: string }>('POST', '/stream/events', { target: 'app', eventType: 'org_dept_create', data: { deptId: [60] } });
    await waitFor(() => received.find((m) => m.headers.eventId === pushed.body.eventId), 'the event after the reconnect');
  });
});

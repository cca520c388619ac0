import type { StreamMessage } from '@dtg/dingtalk-sim';
import type { DingTalkStreamClient, EventAckStatus, StreamEvent, StreamStateChange } from '../index';
import { DEMO, SimHarness } from './sim-harness';
import { waitFor } from '@dtg/testkit';

let sim: SimHarness;
beforeAll(async () => {
  sim = await SimHarness.start({ config: { streamAckTimeoutMs: 500, streamRedeliveryDelayMs: 50, streamDisconnectGraceMs: 50 } });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const running: DingTalkStreamClient[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

interface Harness {
  client: DingTalkStreamClient;
  events: StreamEvent[];
  states: StreamStateChange[];
}

function startStream(options: { secret?: string; onEvent?: (e: StreamEvent) => Promise<EventAckStatus>; keepAliveMs?: number } = {}): Harness {
  const events: StreamEvent[] = [];
  const states: StreamStateChange[] = [];
  const client = sim.client().stream({
    clientId: DEMO.app.appKey,
    clientSecret: options.secret ?? DEMO.app.appSecret,
    reconnect: { initialDelayMs: 50, maxDelayMs: 400, jitter: 0.5 },
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
    onEvent: async (event) => {
      events.push(event);
      return options.onEvent ? options.onEvent(event) : 'SUCCESS';
    },
    onStateChange: (change) => states.push(change),
  });
  running.push(client);
  client.start();
  return { client, events, states };
}

const connections = async () =>
  (await sim.control<{ connections: Array<{ connectionId: string; pongs: number; closing: boolean }> }>('GET', `/stream?clientId=${DEMO.app.appKey}`))
    .connections;
const messageState = async (id: string) => (await sim.control<{ messages: StreamMessage[] }>('GET', '/stream')).messages.find((m) => m.messageId === id);
const push = (eventType: string, data: object) =>
  sim.control<{ messageId: string; eventId: string }>('POST', '/stream/events', { target: 'app', eventType, data });

describe('Stream client against the simulator', () => {
  it('when connected, then events reach the handler parsed, are acknowledged, and pings are answered', async () => {
    const { client, events } = startStream();
    await waitFor(async () => client.state === 'open' && (await connections()).length === 1, 'connection open');
    const pushed = await push('user_modify_org', { timeStamp: '1', userId: ['user020'] });
    await waitFor(async () => (await messageState(pushed.messageId))?.state === 'acked', 'acked');
    expect(events).toEqual([
      expect.objectContaining({
        messageId: pushed.messageId,
        eventId: pushed.eventId,
        eventType: 'user_modify_org',
        corpId: DEMO.corpId,
        bornAtMs: expect.any(Number),
        data: { timeStamp: '1', userId: ['user020'] },
      }),
    ]);
    await sim.control('POST', '/stream/ping', {});
    await waitFor(async () => (await connections())[0]?.pongs === 1, 'ping answered');
    const [open] = await sim.requests('/v1.0/gateway/connections/open');
    expect(open?.body).toMatchObject({ clientId: DEMO.app.appKey, subscriptions: [{ type: 'EVENT', topic: '*' }] });
  });

  it('when the handler throws or answers LATER, then the event is acknowledged LATER and delivered again', async () => {
    let calls = 0;
    const { events } = startStream({
      onEvent: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database busy');
        return calls === 2 ? 'LATER' : 'SUCCESS';
      },
    });
    const pushed = await push('org_dept_modify', { deptId: [5] });
    await waitFor(async () => (await messageState(pushed.messageId))?.state === 'acked', 'acked at last');
    expect(events.map((e) => e.eventId)).toEqual([pushed.eventId, pushed.eventId, pushed.eventId]);
    expect((await messageState(pushed.messageId))?.deliveries.map((d) => d.outcome)).toEqual(['LATER', 'LATER', 'SUCCESS']);
  });

  it('when the server says disconnect, then the client re-opens a connection and keeps receiving', async () => {
    const { client, events } = startStream();
    await waitFor(async () => client.state === 'open', 'open');
    await sim.control('POST', '/stream/disconnect', { clientId: DEMO.app.appKey });
    await waitFor(async () => (await sim.requests('/v1.0/gateway/connections/open')).length === 2, 'a second connections/open');
    await waitFor(async () => client.state === 'open' && (await connections()).filter((c) => !c.closing).length === 1, 'open again');
    const pushed = await push('user_add_org', { userId: ['user021'] });
    await waitFor(() => events.some((e) => e.eventId === pushed.eventId), 'event after the reconnect');
    expect(client.stats.connects).toBe(2);
  });

  it('when the socket drops as the event is acknowledged, then it reconnects and the same eventId arrives again (the caller dedupes)', async () => {
    const { client, events } = startStream();
    await waitFor(async () => client.state === 'open', 'open');
    await sim.control('POST', '/stream/drop', { when: 'on-ack' });
    const pushed = await push('user_leave_org', { userId: ['user022'] });
    await waitFor(async () => (await messageState(pushed.messageId))?.state === 'acked', 'acked after the reconnect');
    expect(events.map((e) => e.eventId)).toEqual([pushed.eventId, pushed.eventId]);
    expect((await messageState(pushed.messageId))?.deliveries.map((d) => d.outcome)).toEqual(['dropped', 'SUCCESS']);
  });

  it('when the credentials are wrong, then it backs off with growing, jittered waits and the error names the cause, never the secret', async () => {
    const { states } = startStream({ secret: 'not-the-secret' });
    await waitFor(() => states.filter((s) => s.state === 'backoff').length >= 4, 'four failed attempts');
    const backoffs = states.filter((s) => s.state === 'backoff');
    expect(backoffs.map((s) => s.attempt)).toEqual([1, 2, 3, 4, ...backoffs.slice(4).map((s) => s.attempt)]);
    backoffs.slice(0, 4).forEach((s, i) => {
      expect(s.delayMs).toBeLessThanOrEqual(Math.min(400, 50 * 2 ** i));
      expect(s.delayMs).toBeGreaterThanOrEqual(Math.min(400, 50 * 2 ** i) / 2);
    });
    expect(backoffs[0]?.error).toMatchObject({ kind: 'fail-config', code: 'invalidClientIdOrSecret' });
    expect(String(backoffs[0]?.error?.message)).not.toContain('not-the-secret');
  });

  it('when stopped, then the handler in flight finishes first, the reconnect loop ends and the socket closes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let finished = false;
    const { client } = startStream({
      onEvent: async () => {
        await gate;
        finished = true;
        return 'SUCCESS';
      },
    });
    await waitFor(async () => client.state === 'open', 'open');
    await push('user_add_org', { userId: ['user023'] });
    await waitFor(async () => (await sim.control<{ messages: StreamMessage[] }>('GET', '/stream')).messages[0]?.state === 'inflight', 'delivered');
    let stopResolved = false;
    const stopped = client.stop().then(() => (stopResolved = true));
    // The socket closes and the reconnect loop ends while the handler is held: stop() still waits for it.
    await waitFor(async () => (await connections()).length === 0, 'no connection');
    expect(stopResolved).toBe(false);
    expect(client.state).not.toBe('stopped');
    release();
    await stopped;
    expect(finished).toBe(true);
    expect(client.state).toBe('stopped');
  });
});

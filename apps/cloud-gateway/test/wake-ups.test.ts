// Work committed by a write wakes whoever acts on it, with no call site asking: the outbox's
// appends wake the dispatcher and enqueues wake the job runner, as after-commit hooks of the write
// itself. Both polls are set to an hour here, so everything these tests wait for happens only
// because a commit woke someone (a wake-up forgotten anywhere on the path fails the test).
import { randomBytes } from 'node:crypto';
import { DEMO, startSimulator, type RunningSim } from '@dtg/dingtalk-sim';
import { ADMIN_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';
import { waitFor } from '@dtg/testkit';
import { startReceiver, type WebhookReceiver } from './support/webhook-receiver';

const AN_HOUR = '1h';
/** Far below the polls: nothing here may wait for one. */
const WITHIN_MS = 10_000;

describe('wake-ups registered by the write itself (polls an hour apart)', () => {
  let sim: RunningSim;
  let cloud: CloudHarness;
  let receiver: WebhookReceiver;
  let tenant: { id: string; apiKey: string };

  async function call<T>(method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<{ status: number; body: T }> {
    const res = await fetch(cloud.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  const pushed = (type: string) => receiver.received.filter((r) => r.body.type === type);

  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
    receiver = await startReceiver();
    cloud = await startCloud({
      env: {
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        DINGTALK_LOGIN_URL: sim.url,
        DINGTALK_API_URL: sim.url,
        DINGTALK_OAPI_URL: sim.url,
        DISPATCH_POLL_INTERVAL: AN_HOUR,
        JOB_POLL_INTERVAL: AN_HOUR,
      },
    });
    const created = await call<{ tenant: { id: string }; apiKey: { key: string }; webhookSecret: string }>('POST', '/admin/tenants', {
      name: 'Demo Org',
      corpId: DEMO.corpId,
      appKey: DEMO.app.appKey,
      appSecret: DEMO.app.appSecret,
      agentId: DEMO.app.agentId,
      webhookUrl: receiver.url,
    });
    expect(created.status).toBe(201);
    receiver.secrets.push(created.body.webhookSecret);
    tenant = { id: created.body.tenant.id, apiKey: created.body.apiKey.key };
  });

  afterEach(async () => {
    await cloud.close();
    await receiver.close();
    await sim.close();
  });

  it('when test events are committed, then they are pushed without a poll', async () => {
    expect((await call('POST', `/admin/tenants/${tenant.id}/test-events`, { count: 3 })).status).toBe(202);
    await waitFor(() => pushed('test.ping').length === 3, 'three pushed test.ping', WITHIN_MS);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  });

  it('when an operator replays events, then they are pushed again without a poll', async () => {
    expect((await call('POST', `/admin/tenants/${tenant.id}/test-events`, { count: 2 })).status).toBe(202);
    await waitFor(() => pushed('test.ping').length === 2, 'two pushed test.ping', WITHIN_MS);
    // Their attempts recorded (a replay of a push still in flight would be overwritten by its outcome).
    await cloud.services.dispatcher.drain();
    expect((await call('POST', `/admin/tenants/${tenant.id}/replay`, { fromSeq: 1 })).status).toBe(200);
    await waitFor(() => pushed('test.ping').length === 4, 'both pushed again', WITHIN_MS);
  });

  it('when a message is accepted, then its dispatch job is made, run and reported without a poll', async () => {
    const sent = await call<{ id: string }>(
      'POST',
      '/v1/messages',
      { msg: { msgtype: 'text', text: { content: 'wake' } }, recipients: { userIds: ['user001'] } },
      tenant.apiKey,
    );
    expect(sent.status).toBe(202);
    // accepted: the accept's own commit; dispatched: the job runner woken by it, then the dispatch job's commit.
    const dispatched = await waitFor(() => pushed('message.dispatched')[0], 'message.dispatched pushed', WITHIN_MS);
    expect(dispatched.body.data).toMatchObject({ messageId: sent.body.id, recipients: [{ userid: 'user001', status: 'sent' }] });
    expect(pushed('message.accepted').map((r) => (r.body.data as { messageId: string }).messageId)).toEqual([sent.body.id]);
  });

  it('when a directory sync is started, then its job runs step after step and the directory is pushed without a poll', async () => {
    const started = await call<{ id: string }>('POST', '/v1/directory/sync', {}, tenant.apiKey);
    expect(started.status).toBe(202);
    const sync = await waitFor(
      async () => {
        const view = await call<{ status: string }>('GET', `/v1/directory/sync/${started.body.id}`, undefined, tenant.apiKey);
        return view.body.status === 'completed' ? view.body : undefined;
      },
      'the sync to complete',
      WITHIN_MS,
    );
    expect(sync.status).toBe('completed');
    await waitFor(() => pushed('user.upserted').length > 0 && pushed('department.upserted').length > 0, 'the directory pushed', WITHIN_MS);
  });
});

// Where dispatch jobs come from (features/messages/dispatch-queue.ts): accepting writes none, only a
// dispatch request; the job runner turns requests into jobs when it has room, tenants taking turns.
import { DEMO } from '@dtg/dingtalk-sim';
import { dispatchJobId } from '../src/features/messages/message-jobs';
import { AcceptedMessageSchema } from '@dtg/contracts';
import { startCloud } from './support/cloud-harness';
import { startMessagingStack, text, type MessagingStack } from './support/messaging-stack';

/** A second internal app, in the simulator's second org: its own tenant and its own DingTalk quota. */
const SECOND_APP = {
  appKey: 'dingsecondappkey',
  appSecret: 'second-app-secret-0123456789abcd',
  agentId: 300009,
  corpId: DEMO.secondCorpId,
  appName: 'Second App',
  callbackToken: 'secondAppToken',
  aesKey: 'zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUT',
  unionIdPrefix: 'union2-',
  redirectUriPatterns: [],
};

describe('dispatch jobs made from accepted messages', () => {
  let s: MessagingStack;
  let secondApiKey: string;

  beforeAll(async () => {
    s = await startMessagingStack();
    const fixture = s.sim.sim.fixture();
    s.sim.sim.loadFixture({ ...fixture, apps: [...fixture.apps, SECOND_APP] });
    const { appKey, appSecret, agentId, corpId } = SECOND_APP;
    const created = await s.call<{ apiKey: { key: string } }>('POST', '/admin/tenants', { name: 'Second Org', corpId, appKey, appSecret, agentId });
    expect(created.status).toBe(201);
    secondApiKey = created.body.apiKey.key;
  });
  afterAll(async () => {
    await s.close();
  });

  const accept = async (body: unknown, token = s.tenant.apiKey) => AcceptedMessageSchema.parse((await s.call('POST', '/v1/messages', body, { token })).body).id;
  const requests = (messageId: string) => s.cloud.services.db.messageDispatchRequest.count({ where: { messageId } });

  it('when the cloud stops right after a 202, then no job was written, and a restarted cloud makes it from the request and sends the message once', async () => {
    // This cloud's runner is stopped: it answers 202 and never gets to make the job.
    await s.cloud.services.jobs.stop();
    const id = await accept({ recipients: { userIds: ['user003'] }, msg: text('Accepted, then the cloud stopped') });
    const db = s.cloud.services.db;
    expect(await db.job.count({ where: { id: dispatchJobId(id) } })).toBe(0);
    expect(await requests(id)).toBe(1);

    const restarted = await startCloud({ databaseUrl: s.cloud.databaseUrl, dispatcher: false, env: s.cloudEnv });
    try {
      const dispatched = await s.waitForEvent('message.dispatched', id);
      expect(dispatched.data.recipients).toEqual([{ userid: 'user003', status: 'sent' }]);
      expect(s.sendCalls().filter((c) => c.userids.join() === 'user003')).toHaveLength(1);
      expect(await db.job.count({ where: { id: dispatchJobId(id) } })).toBe(1);
      expect(await requests(id)).toBe(0);
    } finally {
      await restarted.close();
      s.cloud.services.jobs.start();
    }
  });

  it("when one tenant has a backlog of sends, then another tenant's message is sent among the first, not after the backlog", async () => {
    await s.cloud.services.jobs.stop();
    s.sim.sim.clearRequestLog();
    const backlog: string[] = [];
    // One recipient each, all different: DingTalk's per-user daily cap stays out of the way.
    for (let i = 10; i < 40; i++) backlog.push(await accept({ recipients: { userIds: [`user0${i}`] }, msg: text(`Backlog ${i}`) }));
    const other = await accept({ recipients: { userIds: ['second010'] }, msg: text('Second org, sent after the backlog') }, secondApiKey);
    s.cloud.services.jobs.start();

    await s.waitForEvent('message.dispatched', backlog[backlog.length - 1] as string);
    await s.waitForEvent('message.dispatched', other, { token: secondApiKey });
    const order = s.sendCalls().map((c) => c.userids.join());
    expect(order).toHaveLength(31);
    // One job runner slot in two goes to each tenant with work: the second tenant's only message
    // is in the runner's first handful (8 slots), not 31st as first-come-first-served would put it.
    expect(order.indexOf('second010')).toBeLessThan(8);
  });
});

import { DEMO } from '@dtg/dingtalk-sim';
import { AcceptedMessageSchema } from '@dtg/contracts';
import { startMessagingStack, text, type MessagingStack } from './support/messaging-stack';

// DingTalk's caps made small on both sides, so the guard's decisions can be checked against
// what the simulator would have dropped silently.
const CAP = 3;
const ISV_CAP = 2;

describe('pre-flight quota guard', () => {
  let s: MessagingStack;
  let isvKey: string;
  const messageIds: string[] = [];

  beforeAll(async () => {
    s = await startMessagingStack({
      env: {
        MESSAGE_DAILY_CAP_INTERNAL: String(CAP),
        MESSAGE_DAILY_CAP_ISV: String(ISV_CAP),
        SUITE_KEY: DEMO.suite.suiteKey,
        SUITE_SECRET: DEMO.suite.suiteSecret,
      },
      simConfig: { dailyCapInternal: CAP, dailyCapIsv: ISV_CAP, taskRunningAfterMs: 50, taskDoneAfterMs: 150 },
    });
    await s.cloud.services.dingtalk.tickets.save(DEMO.suite.suiteKey, DEMO.suite.initialTicket);
    const isv = await s.call<{ apiKey: { key: string } }>('POST', '/admin/tenants', {
      name: 'Demo Org via suite',
      corpId: DEMO.corpId,
      mode: 'isv',
      agentId: DEMO.suite.agentId,
    });
    expect(isv.status).toBe(201);
    isvKey = isv.body.apiKey.key;
  });
  afterAll(async () => {
    await s.close();
  });

  async function deliver(userIds: string[], content: string, token = s.tenant.apiKey) {
    const sent = await s.call('POST', '/v1/messages', { recipients: { userIds }, msg: text(content) }, { token });
    const id = AcceptedMessageSchema.parse(sent.body).id;
    messageIds.push(id);
    const completed = await s.waitForEvent('message.completed', id, { token });
    return Object.fromEntries(completed.data.recipients.map((r) => [r.userid, r.reason ? `${r.status}:${r.reason}` : r.status]));
  }
  const delivered = (status: string | undefined) => status === 'read' || status === 'unread';

  /** DingTalk reported no flow-control drop, and these users' inboxes hold exactly what we report as delivered. */
  async function expectNothingDroppedSilently(userids: string[]) {
    const tasks = (await (await fetch(`${s.sim.url}/_sim/tasks`)).json()) as { results: { forbidden: unknown[] } }[];
    expect(tasks.flatMap((t) => t.results.forbidden)).toEqual([]);
    const db = s.cloud.services.db;
    const rows = await db.messageRecipient.findMany({ where: { messageId: { in: messageIds }, userid: { in: userids }, status: { in: ['read', 'unread'] } } });
    const reported = new Set<string>();
    for (const row of rows) {
      const chunk = await db.messageChunk.findUniqueOrThrow({ where: { id: row.chunkId ?? '' } });
      reported.add(`${row.userid}@${Number(chunk.taskId)}`);
    }
    const inboxes = new Set(userids.flatMap((userid) => s.sim.sim.inbox(userid, { corpId: DEMO.corpId }).map((entry) => `${userid}@${entry.taskId}`)));
    expect(inboxes).toEqual(reported);
    return reported.size;
  }

  it('when the same content goes to the same user twice on one day, then the second is rejected_by_quota and only the other user is sent to', async () => {
    const first = await deliver(['user101', 'user102'], 'Standup at 10:00');
    expect(delivered(first.user101) && delivered(first.user102)).toBe(true);
    const before = s.sendCalls().length;
    const second = await deliver(['user101', 'user103'], 'Standup at 10:00');
    expect(second.user101).toBe('rejected_by_quota:duplicate_content');
    expect(delivered(second.user103)).toBe(true);
    expect(
      s
        .sendCalls()
        .slice(before)
        .map((c) => c.userids),
    ).toEqual([['user103']]);
    expect(await expectNothingDroppedSilently(['user101', 'user102', 'user103'])).toBe(3);
  });

  it('when a user reached the daily cap, then further notifications to them are rejected_by_quota', async () => {
    for (let i = 1; i <= CAP; i++) expect(delivered((await deliver(['user111'], `Update ${i}`)).user111)).toBe(true);
    const over = await deliver(['user111', 'user112'], 'Update 4');
    expect(over.user111).toBe('rejected_by_quota:daily_cap');
    expect(delivered(over.user112)).toBe(true);
    expect(await expectNothingDroppedSilently(['user111', 'user112'])).toBe(CAP + 1);
  });

  it('when an ISV tenant sends, then the ISV cap applies, counted apart from the internal app', async () => {
    for (let i = 1; i <= ISV_CAP; i++) expect(delivered((await deliver(['user121'], `Suite update ${i}`, isvKey)).user121)).toBe(true);
    expect((await deliver(['user121'], 'Suite update 3', isvKey)).user121).toBe('rejected_by_quota:daily_cap');
    // The internal app's count for user121 is untouched by the suite's sends.
    expect(delivered((await deliver(['user121'], 'Suite update 3')).user121)).toBe(true);
    expect(await expectNothingDroppedSilently(['user121'])).toBe(ISV_CAP + 1);
  });
});

// An org's DingTalk calls are money (5,000 a month on the standard edition): the cloud counts them,
// and once the tenant's budget is spent — or DingTalk answers 90020 — receipt polling stops while
// sends go on.
import { AcceptedMessageSchema } from '@dtg/contracts';
import { DEMO } from '@dtg/dingtalk-sim';
import { METRICS_TOKEN } from './support/cloud-harness';
import { text, type MessagingStack, useMessagingStack } from './support/messaging-stack';

const RESULT = '/topapi/message/corpconversation/getsendresult';
const HOUR = 3_600_000;

interface Usage {
  month: string;
  calls: number;
  budget: number;
  quotaSpentAt: string | null;
  pollingAllowed: boolean;
}

describe('monthly DingTalk call budget', () => {
  let s: MessagingStack;
  // Tasks finish at once and nobody reads: every chunk would be followed for read receipts.
  useMessagingStack((started) => (s = started), { simConfig: { taskRunningAfterMs: 0, taskDoneAfterMs: 0, readPercent: 0 } });

  const usage = async () => (await s.call<Usage>('GET', `/admin/tenants/${s.tenant.id}/dingtalk-calls`)).body;
  const results = () => s.sim.sim.requestLog({ pathPrefix: RESULT }).length;

  async function sendAndComplete(users: string[]) {
    const sent = await s.send({ recipients: { userIds: users }, msg: text(`budget ${Math.random()}`) });
    const { id } = AcceptedMessageSchema.parse(sent.body);
    return s.waitForEvent('message.completed', id);
  }

  it('when the budget is spent, then sends go on, receipt polling stops with recipients left sent, and the usage says so', async () => {
    const before = await usage();
    expect(before).toMatchObject({ calls: 0, budget: 5000, pollingAllowed: true, quotaSpentAt: null });
    // One send and one outcome poll: 2 counted calls; the token and user lookups are not counted.
    const first = await sendAndComplete(['user081', 'user082']);
    expect(first.data.recipients.map((r) => r.status)).toEqual(['unread', 'unread']);
    expect((await usage()).calls).toBe(2);

    expect((await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { monthlyCallBudget: 3 })).status).toBe(200);
    // The send is made (the 3rd call, which spends the budget); its chunk is not polled.
    const second = await sendAndComplete(['user083']);
    expect(second.data.recipients).toEqual([{ userid: 'user083', status: 'sent' }]);
    const spent = await usage();
    expect(spent).toMatchObject({ calls: 3, budget: 3, pollingAllowed: false });

    // The first message's read polls stop too: a day passes without another getsendresult.
    const polls = results();
    for (let hour = 0; hour < 24; hour++) {
      s.clock.offsetMs += HOUR;
      await s.cloud.services.jobs.drain();
    }
    expect(results()).toBe(polls);

    const metrics = await (await fetch(`${s.cloud.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toContain(`dingtalk_org_calls_month{tenant="${s.tenant.id}",service="cloud-gateway"} 3`);
    expect(metrics).toContain(`dingtalk_org_call_budget{tenant="${s.tenant.id}",service="cloud-gateway"} 3`);
  });

  it('when DingTalk answers 90020 (the org has no budget here), then polling stops and the month is marked spent', async () => {
    expect((await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { monthlyCallBudget: 0 })).status).toBe(200);
    expect((await usage()).pollingAllowed).toBe(true);
    // DingTalk's own count for the org this month: one more call passes (the send), the outcome poll is refused.
    const month = new Date(s.sim.sim.clock.now() + 8 * HOUR).toISOString().slice(0, 7);
    s.sim.sim.updateConfig({ monthlyCallQuota: s.sim.sim.world.monthlyCalls.used(DEMO.corpId, month) + 1 });
    const completed = await sendAndComplete(['user084']);
    expect(completed.data.recipients).toEqual([{ userid: 'user084', status: 'sent' }]);
    const after = await usage();
    expect(after.quotaSpentAt).not.toBeNull();
    expect(after.pollingAllowed).toBe(false);
  });

  it('when the budget is not a whole number of calls, then the update is refused naming the field and nothing changes', async () => {
    const refused = await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { monthlyCallBudget: -5 });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('monthlyCallBudget');
    expect((await s.call<{ monthlyCallBudget: number | null }>('GET', `/admin/tenants/${s.tenant.id}`)).body.monthlyCallBudget).toBe(0);
  });
});

import { ProblemSchema } from '@dtg/service-kit';
import { DEMO } from '@dtg/dingtalk-sim';
import { AcceptedMessageSchema, type RecipientResult } from '@dtg/contracts';
import { MessageViewSchema } from '../src/features/messages/messages.schemas';
import { markdown, SEND_PATH, text, type MessagingStack, useMessagingStack } from './support/messaging-stack';

const BATCH_SEND = '/v1.0/robot/oToMessages/batchSend';
const pad = (n: number) => String(n).padStart(3, '0');
const byUser = (recipients: RecipientResult[]) => Object.fromEntries(recipients.map((r) => [r.userid, [r.status, r.reason]]));

interface SimTask {
  taskId: number;
  channel: string;
  processQueryKey: string | null;
  recalled: boolean;
}

describe('robot 1:1 messages through /v1/messages (cloud ↔ simulator)', () => {
  let s: MessagingStack;
  useMessagingStack((started) => (s = started));

  const robotCalls = () => s.sim.sim.requestLog({ pathPrefix: BATCH_SEND });
  const simTasks = async () => (await (await fetch(`${s.sim.url}/_sim/tasks`)).json()) as SimTask[];
  const view = async (id: string) => MessageViewSchema.parse((await s.call('GET', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey })).body);

  it('when a robot message has no robot template or names an unknown channel, then the answer is 400 naming the field and nothing is stored', async () => {
    const before = await s.cloud.services.db.message.count();
    const oa = { msgtype: 'oa', oa: { message_url: 'https://a.example', head: { bgcolor: 'FFBBBBBB', text: 'App' }, body: { title: 'T' } } };
    const buttons = Array.from({ length: 6 }, (_, i) => ({ title: `b${i}`, action_url: `https://a.example/${i}` }));
    const cases: [unknown, string][] = [
      [{ recipients: { userIds: ['user001'] }, msg: oa, channel: 'robot' }, 'body.msg.msgtype'],
      [{ recipients: { userIds: ['user001'] }, msg: { msgtype: 'file', file: { media_id: '@lAx' } }, channel: 'robot' }, 'body.msg.msgtype'],
      [
        {
          recipients: { userIds: ['user001'] },
          msg: { msgtype: 'action_card', action_card: { markdown: 'm', btn_orientation: '0', btn_json_list: buttons } },
          channel: 'robot',
        },
        'body.msg.action_card.btn_json_list',
      ],
      [{ recipients: { userIds: ['user001'] }, msg: text('hello'), channel: 'sms' }, 'body.channel'],
    ];
    for (const [body, field] of cases) {
      const res = await s.send(body);
      expect(res.status).toBe(400);
      expect(ProblemSchema.parse(res.body).errors?.map((e) => e.path)).toContain(field);
    }
    expect(await s.cloud.services.db.message.count()).toBe(before);
  });

  it('when a markdown goes by robot to 45 people, then 3 batchSends (20/20/5) carry it, no work notification is sent, and unknown and flow-controlled userids end invalid and forbidden', async () => {
    s.sim.sim.updateConfig({ robotFlowControlledUserids: ['user012'] });
    try {
      const users = [...Array.from({ length: 44 }, (_, i) => `user${pad(i + 10)}`), 'ghost-robot-user'];
      const sendsBefore = s.sendCalls().length;
      const accepted = await s.send({ recipients: { userIds: users }, msg: markdown('Robot launch'), channel: 'robot' });
      expect(accepted.status).toBe(202);
      const id = AcceptedMessageSchema.parse(accepted.body).id;
      const acceptedEvent = await s.waitForEvent('message.accepted', id);
      expect(acceptedEvent.data.channel).toBe('robot');
      await s.waitForEvent('message.dispatched', id);
      const calls = robotCalls().filter((c) => (c.body as { msgParam?: string }).msgParam?.includes('Robot launch'));
      expect(calls.map((c) => (c.body as { userIds: string[] }).userIds.length)).toEqual([20, 20, 5]);
      expect(calls[0]?.body).toMatchObject({ robotCode: DEMO.app.appKey, msgKey: 'sampleMarkdown' });
      expect(s.sendCalls()).toHaveLength(sendsBefore);

      s.sim.sim.clock.advance(5_000);
      const completed = await s.waitForEvent('message.completed', id);
      const outcome = byUser(completed.data.recipients);
      expect(outcome['ghost-robot-user']).toEqual(['invalid', 'invalid_staff_id']);
      expect(outcome['user012']).toEqual(['forbidden', 'flow_controlled']);
      const others = completed.data.recipients.filter((r) => r.userid !== 'ghost-robot-user' && r.userid !== 'user012');
      expect(others).toHaveLength(43);
      expect(others.every((r) => r.status === 'read' || r.status === 'unread')).toBe(true);

      const seen = await view(id);
      expect(seen.channel).toBe('robot');
      expect(seen.chunks.map((c) => [c.recipients, c.taskId, typeof c.processQueryKey])).toEqual([
        [20, null, 'string'],
        [20, null, 'string'],
        [5, null, 'string'],
      ]);
      // The work-notification quota guard neither held anyone back nor counted the robot send.
      expect(await s.cloud.services.db.quotaUsage.count({ where: { userid: 'user030' } })).toBe(0);
    } finally {
      s.sim.sim.updateConfig({ robotFlowControlledUserids: [] });
    }
  });

  it('when robot recipients read the message later, then message.receipts.updated reports them', async () => {
    s.sim.sim.updateConfig({ readPercent: 0 });
    try {
      const users = ['user071', 'user072', 'user073'];
      const id = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: users }, msg: text('Robot, read me later'), channel: 'robot' })).body).id;
      await s.waitForEvent('message.dispatched', id);
      s.sim.sim.clock.advance(5_000);
      const completed = await s.waitForEvent('message.completed', id);
      expect(completed.data.recipients.map((r) => r.status)).toEqual(['unread', 'unread', 'unread']);

      const key = (await view(id)).chunks[0]?.processQueryKey;
      const task = (await simTasks()).find((t) => t.processQueryKey === key);
      const marked = await fetch(`${s.sim.url}/_sim/tasks/${task?.taskId}/read`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userids: ['user072'] }),
      });
      expect(marked.status).toBe(200);
      // The first read poll is an hour after the send (the stack's MESSAGE_READ_POLL_SCHEDULE).
      s.clock.offsetMs += 3_600_000;
      await s.cloud.services.jobs.drain();
      const updated = await s.waitForEvent('message.receipts.updated', id);
      expect(updated.data.recipients).toEqual([{ userid: 'user072', status: 'read' }]);
      expect((await view(id)).counts).toMatchObject({ read: 1, unread: 2 });
    } finally {
      s.sim.sim.updateConfig({ readPercent: 60 });
    }
  });

  it('when a robot message is recalled, then batchRecall recalls every chunk in DingTalk and message.recalled follows', async () => {
    const users = Array.from({ length: 25 }, (_, i) => `user${pad(i + 75)}`);
    const id = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: users }, msg: text('Robot, recall me'), channel: 'robot' })).body).id;
    await s.waitForEvent('message.dispatched', id);
    const recalled = await s.call('DELETE', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey });
    expect(recalled.status).toBe(200);
    const seen = MessageViewSchema.parse(recalled.body);
    expect(seen.status).toBe('recalled');
    expect(seen.chunks.map((c) => c.status)).toEqual(['recalled', 'recalled']);
    const keys = seen.chunks.map((c) => c.processQueryKey);
    const tasks = (await simTasks()).filter((t) => keys.includes(t.processQueryKey));
    expect(tasks.map((t) => t.recalled)).toEqual([true, true]);
    expect(s.sim.sim.requestLog({ pathPrefix: '/v1.0/robot/otoMessages/batchRecall' }).at(-1)?.body).toEqual({
      robotCode: DEMO.app.appKey,
      processQueryKeys: keys,
    });
    await s.waitForEvent('message.recalled', id);
  });

  it('when the tenant names a robot DingTalk does not know, then the send fails with DingTalk’s code and is not retried; null returns to the AppKey', async () => {
    const patch = (robotCode: string | null) => s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { robotCode });
    expect((await patch('not-our-robot')).body).toMatchObject({ robotCode: 'not-our-robot' });
    try {
      const id = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: ['user090'] }, msg: text('Wrong robot'), channel: 'robot' })).body).id;
      const completed = await s.waitForEvent('message.completed', id);
      expect(completed.data.status).toBe('failed');
      expect(completed.data.recipients).toEqual([{ userid: 'user090', status: 'failed', reason: 'invalidParameter.robotCode' }]);
      expect(robotCalls().filter((c) => JSON.stringify(c.body).includes('Wrong robot'))).toHaveLength(1);
    } finally {
      expect((await patch(null)).body).toMatchObject({ robotCode: null });
    }
  });

  it('when DingTalk throttles a batchSend, then the client tries it again; when one then fails with 5xx, its chunk ends unknown and is never sent again', async () => {
    s.sim.sim.setFaults([
      { path: BATCH_SEND, kind: 'qps', times: 2 },
      { path: BATCH_SEND, kind: '5xx', times: 1 },
    ]);
    try {
      const users = Array.from({ length: 30 }, (_, i) => `user${pad(i + 110)}`);
      const id = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: users }, msg: text('Robot storm drill'), channel: 'robot' })).body).id;
      await s.waitForEvent('message.dispatched', id, { timeoutMs: 30_000 });
      s.sim.sim.clock.advance(5_000);
      const completed = await s.waitForEvent('message.completed', id, { timeoutMs: 30_000 });
      const seen = await view(id);
      // Chunk 0 was throttled twice (the client's own retries), then met the 5xx: DingTalk may have it.
      expect(seen.chunks.map((c) => c.status)).toEqual(['unknown', 'done']);
      const first = new Set(users.slice(0, 20));
      for (const r of completed.data.recipients) {
        if (first.has(r.userid)) expect(r).toEqual({ userid: r.userid, status: 'unknown', reason: 'send_outcome_unknown:http_503' });
        else expect(['read', 'unread']).toContain(r.status);
      }
      const attempts = robotCalls().filter((c) => JSON.stringify(c.body).includes('Robot storm drill'));
      const carrying = (userid: string) => attempts.filter((c) => (c.body as { userIds: string[] }).userIds.includes(userid));
      expect(carrying(users[0] ?? '')).toHaveLength(3);
      expect(carrying(users[25] ?? '')).toHaveLength(1);
    } finally {
      s.sim.sim.setFaults([]);
    }
  });

  it('when no channel is given, then it is a work notification as before', async () => {
    const id = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: ['user091'] }, msg: text('Plain notification') })).body).id;
    await s.waitForEvent('message.dispatched', id);
    expect((await view(id)).channel).toBe('work_notification');
    expect(s.sendCalls().filter((c) => c.path === SEND_PATH && c.userids.includes('user091'))).toHaveLength(1);
  });
});

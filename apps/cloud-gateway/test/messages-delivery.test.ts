import { DEMO } from '@dtg/dingtalk-sim';
import { AcceptedMessageSchema, type RecipientResult } from '@dtg/contracts';
import { MessageViewSchema } from '../src/features/messages/messages.schemas';
import { markdown, text, type MessagingStack, useMessagingStack } from './support/messaging-stack';

const pad = (n: number) => String(n).padStart(3, '0');

/** Two new departments (one with a sub-department) holding 250 people; five are in both. */
async function addLaunchDepartments(s: MessagingStack): Promise<string[]> {
  const sim = s.sim.sim;
  await sim.addDepartment(DEMO.corpId, { deptId: 20, name: 'Launch A', parentId: 1 });
  await sim.addDepartment(DEMO.corpId, { deptId: 21, name: 'Launch A West', parentId: 20 });
  await sim.addDepartment(DEMO.corpId, { deptId: 22, name: 'Launch B', parentId: 1 });
  const people: string[] = [];
  const add = async (userid: string, deptIds: number[]) => {
    await sim.addUser(DEMO.corpId, { userid, name: `Launch ${userid}`, deptIds });
    people.push(userid);
  };
  for (let i = 1; i <= 100; i++) await add(`a${pad(i)}`, i <= 5 ? [20, 22] : [20]);
  for (let i = 1; i <= 50; i++) await add(`w${pad(i)}`, [21]);
  for (let i = 1; i <= 100; i++) await add(`b${pad(i)}`, [22]);
  return people;
}

const byUser = (recipients: RecipientResult[]) => Object.fromEntries(recipients.map((r) => [r.userid, r.status]));

describe('work notification delivery and receipts (cloud ↔ simulator)', () => {
  let s: MessagingStack;
  useMessagingStack((started) => (s = started));

  it('when a markdown notification goes to two departments of 250 people, then 3 sends (100/100/50) carry it and message.completed matches DingTalk per recipient', async () => {
    const people = await addLaunchDepartments(s);
    s.sim.sim.clearRequestLog();
    const sent = await s.send({ recipients: { deptIds: [20, 22] }, msg: markdown('Launch day', '## Launch\nThe **new** release ships today.') });
    expect(sent.status).toBe(202);
    const { id, status } = AcceptedMessageSchema.parse(sent.body);
    expect(status).toBe('queued');

    const dispatched = await s.waitForEvent('message.dispatched', id);
    expect(dispatched.data.taskIds).toHaveLength(3);
    expect(dispatched.data.recipients).toHaveLength(250);
    expect(dispatched.data.recipients.every((r) => r.status === 'sent')).toBe(true);
    const calls = s.sendCalls();
    expect(calls.map((c) => c.userids.length)).toEqual([100, 100, 50]);
    expect(new Set(calls.flatMap((c) => c.userids))).toEqual(new Set(people));
    expect(calls.every((c) => c.errcode === 0)).toBe(true);

    // DingTalk finishes a task within seconds; move the simulator's clock instead of waiting.
    s.sim.sim.clock.advance(5_000);
    const completed = await s.waitForEvent('message.completed', id);
    expect(completed.data.status).toBe('completed');
    expect(completed.data.recipients).toHaveLength(250);

    const expected: Record<string, string> = {};
    for (const taskId of dispatched.data.taskIds) {
      const task = await s.simTask(taskId);
      expect(task.completed).toBe(true);
      for (const userid of task.results.read) expected[userid] = 'read';
      for (const userid of task.results.unread) expected[userid] = 'unread';
    }
    expect(byUser(completed.data.recipients)).toEqual(expected);
    const statuses = new Set(completed.data.recipients.map((r) => r.status));
    expect(statuses).toEqual(new Set(['read', 'unread']));

    const view = MessageViewSchema.parse((await s.call('GET', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey })).body);
    expect(view.status).toBe('completed');
    expect(view.counts.read + view.counts.unread).toBe(250);
    expect(view.chunks.map((c) => c.taskId)).toEqual(dispatched.data.taskIds);
    expect(view.chunks.map((c) => c.recipients)).toEqual([100, 100, 50]);
    expect(s.sendCalls()).toHaveLength(3);
  });

  it('when unread recipients read the notification later, then message.receipts.updated reports them', async () => {
    s.sim.sim.updateConfig({ readPercent: 0 });
    try {
      const users = ['user061', 'user062', 'user063', 'user064'];
      const id = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: users }, msg: text('Read me later') })).body).id;
      const dispatched = await s.waitForEvent('message.dispatched', id);
      s.sim.sim.clock.advance(5_000);
      const completed = await s.waitForEvent('message.completed', id);
      expect(completed.data.recipients.map((r) => r.status)).toEqual(['unread', 'unread', 'unread', 'unread']);

      const taskId = dispatched.data.taskIds[0] ?? 0;
      const marked = await fetch(`${s.sim.url}/_sim/tasks/${taskId}/read`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userids: ['user062', 'user064'] }),
      });
      expect(marked.status).toBe(200);
      // The first read poll is an hour after the send (the stack's MESSAGE_READ_POLL_SCHEDULE).
      s.clock.offsetMs += 3_600_000;
      await s.cloud.services.jobs.drain();
      const updated = await s.waitForEvent('message.receipts.updated', id);
      expect(updated.data.recipients).toEqual([
        { userid: 'user062', status: 'read' },
        { userid: 'user064', status: 'read' },
      ]);
      const view = MessageViewSchema.parse((await s.call('GET', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey })).body);
      expect(view.counts).toMatchObject({ read: 2, unread: 2 });
    } finally {
      s.sim.sim.updateConfig({ readPercent: 60 });
    }
  });

  it('when the whole org is addressed, then every member is expanded from the root department and gets one status', async () => {
    const members = s.sim.sim.world.orgs.members(DEMO.corpId).map((m) => m.userid);
    const id = AcceptedMessageSchema.parse((await s.send({ recipients: { toAll: true }, msg: text('Company-wide notice') })).body).id;
    const dispatched = await s.waitForEvent('message.dispatched', id);
    expect(dispatched.data.recipients.map((r) => r.userid).sort()).toEqual([...members].sort());
    expect(dispatched.data.taskIds).toHaveLength(Math.ceil(members.length / 100));
    s.sim.sim.clock.advance(5_000);
    const completed = await s.waitForEvent('message.completed', id);
    expect(completed.data.recipients.every((r) => r.status === 'read' || r.status === 'unread')).toBe(true);
  });
});

// What following a message costs in DingTalk calls (each one billed against the org's monthly
// quota): one getsendresult per chunk for its outcomes, one per scheduled read poll, none once
// everyone has read it, and fewer at the tenant's lower receipt levels.
import { AcceptedMessageSchema } from '@dtg/contracts';
import { text, type MessagingStack, useMessagingStack } from './support/messaging-stack';

const RESULT = '/topapi/message/corpconversation/getsendresult';
const PROGRESS = '/topapi/message/corpconversation/getsendprogress';
const HOUR = 3_600_000;

describe('receipt polling cost', () => {
  let s: MessagingStack;
  // DingTalk finishes each task at once here, so its first outcome poll always finds it done.
  useMessagingStack((started) => (s = started), { simConfig: { taskRunningAfterMs: 0, taskDoneAfterMs: 0 } });

  const calls = (path: string, since: number) => s.sim.sim.requestLog({ pathPrefix: path, sinceSeq: since }).length;
  const lastSeq = () => s.sim.sim.requestLog().at(-1)?.seq ?? 0;

  /** Sends to `users`, lets DingTalk finish, and returns the message id once message.completed is out. */
  async function sendAndComplete(users: string[], token = s.tenant.apiKey): Promise<string> {
    const sent = await s.call('POST', '/v1/messages', { recipients: { userIds: users }, msg: text(`cost ${Math.random()}`) }, { token });
    const { id } = AcceptedMessageSchema.parse(sent.body);
    await s.waitForEvent('message.completed', id);
    return id;
  }

  /** Moves the cloud's clock through the read-poll schedule (1h, 2h, 3h in this stack) and a day beyond. */
  async function liveThroughTheDay(): Promise<void> {
    for (let hour = 0; hour < 24; hour++) {
      s.clock.offsetMs += HOUR;
      await s.cloud.services.jobs.drain();
    }
  }

  it('when a chunk stays partly unread all day, then it costs one outcome poll and one call per scheduled read poll, and no progress call', async () => {
    s.sim.sim.updateConfig({ readPercent: 0 });
    try {
      const since = lastSeq();
      await sendAndComplete(['user071', 'user072', 'user073']);
      expect(calls(PROGRESS, since)).toBe(0);
      expect(calls(RESULT, since)).toBe(1);
      await liveThroughTheDay();
      expect(calls(RESULT, since)).toBe(1 + 3);
    } finally {
      s.sim.sim.updateConfig({ readPercent: 60 });
    }
  });

  it('when everyone has read it, then read polls stop', async () => {
    s.sim.sim.updateConfig({ readPercent: 100 });
    try {
      const since = lastSeq();
      await sendAndComplete(['user074', 'user075']);
      await liveThroughTheDay();
      expect(calls(RESULT, since)).toBe(1);
    } finally {
      s.sim.sim.updateConfig({ readPercent: 60 });
    }
  });

  it('when the tenant follows delivery only, then outcomes are final after one call and no read poll follows', async () => {
    s.sim.sim.updateConfig({ readPercent: 0 });
    try {
      expect((await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { receipts: 'delivery' })).status).toBe(200);
      const since = lastSeq();
      const id = await sendAndComplete(['user076', 'user077']);
      await liveThroughTheDay();
      expect(calls(RESULT, since)).toBe(1);
      const completed = await s.waitForEvent('message.completed', id);
      expect(completed.data.recipients.map((r) => r.status)).toEqual(['unread', 'unread']);
    } finally {
      s.sim.sim.updateConfig({ readPercent: 60 });
      await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { receipts: 'read' });
    }
  });

  it('when the tenant follows nothing, then no receipt call is made and recipients stay sent', async () => {
    expect((await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { receipts: 'none' })).status).toBe(200);
    try {
      const since = lastSeq();
      const id = await sendAndComplete(['user078', 'user079']);
      await liveThroughTheDay();
      expect(calls(RESULT, since) + calls(PROGRESS, since)).toBe(0);
      const completed = await s.waitForEvent('message.completed', id);
      expect(completed.data.recipients.map((r) => r.status)).toEqual(['sent', 'sent']);
    } finally {
      await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { receipts: 'read' });
    }
  });

  it('when the receipt level is not one of read, delivery or none, then the update is refused naming the field and nothing changes', async () => {
    const refused = await s.call<{ errors?: { field: string }[] }>('PATCH', `/admin/tenants/${s.tenant.id}`, { receipts: 'sometimes' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('receipts');
    const tenant = await s.call<{ receipts: string }>('GET', `/admin/tenants/${s.tenant.id}`);
    expect(tenant.body.receipts).toBe('read');
  });
});

import { AcceptedMessageSchema, type RecipientResult } from '@dtg/contracts';
import { startCloud } from './support/cloud-harness';
import { SEND_PATH, startMessagingStack, text, type MessagingStack, type SimTask } from './support/messaging-stack';
import { waitFor } from '@dtg/testkit';

const MSG_PATH = '/topapi/message/corpconversation';
const users = (from: number, count: number) => Array.from({ length: count }, (_, i) => `user${String(from + i).padStart(3, '0')}`);
const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
/** Answers that prove DingTalk did not act: throttled (90018) or a token it refused. */
const definitelyRejected = (e: { fault?: string; errcode?: number }) => e.fault === 'qps' || [88, 40014, 42001].includes(e.errcode ?? 0);

describe('work notifications under DingTalk faults', () => {
  let s: MessagingStack;

  beforeAll(async () => {
    s = await startMessagingStack({ env: { MESSAGE_CHUNK_SIZE: '10' }, simConfig: { taskRunningAfterMs: 50, taskDoneAfterMs: 150 } });
    // One acknowledged task gives the reconciler its lower bound.
    const warmUp = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: ['user002'] }, msg: text('warm-up') })).body).id;
    await s.waitForEvent('message.completed', warmUp);
  });
  afterAll(async () => {
    await s.close();
  });

  /** For every chunk of the message: at most one task in DingTalk, and our final statuses agree with it. */
  async function expectConsistentWithDingTalk(messageId: string, final: RecipientResult[]) {
    const status = Object.fromEntries(final.map((r) => [r.userid, r]));
    const tasks = (await (await fetch(`${s.sim.url}/_sim/tasks`)).json()) as SimTask[];
    const calls = s.sendCalls();
    const chunks = await s.cloud.services.db.messageChunk.findMany({ where: { messageId }, orderBy: { index: 'asc' } });
    for (const chunk of chunks) {
      const userids = JSON.parse(chunk.userids) as string[];
      const mine = tasks.filter((t) => sameSet(t.recipients, userids));
      expect(mine.length).toBeLessThanOrEqual(1);
      // Every call but the last was provably refused; only the last may have been executed.
      const attempts = calls.filter((c) => sameSet(c.userids, userids));
      expect(attempts.slice(0, -1).every(definitelyRejected)).toBe(true);
      const task = mine[0];
      if (task) {
        for (const u of task.results.read) expect(status[u]?.status).toBe('read');
        for (const u of task.results.unread) expect(status[u]?.status).toBe('unread');
        expect(Number(chunk.taskId)).toBe(task.taskId);
      } else {
        for (const u of userids) expect(status[u]?.reason).toMatch(/^send_outcome_unknown:/);
        expect(chunk.status).toBe('unknown');
      }
    }
    return chunks;
  }

  it('when DingTalk throttles, is busy, fails with 5xx, times out and invalidates the token, then the message still ends final and no chunk is sent twice', async () => {
    s.sim.sim.setFaults([
      { path: SEND_PATH, kind: 'qps', times: 3 },
      { path: SEND_PATH, kind: 'busy', times: 1 },
      { path: SEND_PATH, kind: '5xx', times: 1 },
      { path: SEND_PATH, kind: 'timeout', holdMs: 200, times: 2 },
      { path: SEND_PATH, kind: 'invalidate-token', times: 1 },
      { path: `${MSG_PATH}/getsendprogress`, kind: '5xx', times: 2 },
      { path: `${MSG_PATH}/getsendresult`, kind: 'busy', times: 1 },
    ]);
    try {
      const recipients = users(131, 70);
      const id = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: recipients }, msg: text('Storm drill') })).body).id;
      const dispatched = await s.waitForEvent('message.dispatched', id, { timeoutMs: 30_000 });
      const byStatus = (status: string) => dispatched.data.recipients.filter((r) => r.status === status).length;
      expect(byStatus('sent') + byStatus('unknown')).toBe(70);
      expect(byStatus('unknown')).toBe(40);
      const completed = await s.waitForEvent('message.completed', id, { timeoutMs: 30_000 });
      expect(completed.data.recipients).toHaveLength(70);

      const chunks = await expectConsistentWithDingTalk(id, completed.data.recipients);
      expect(chunks).toHaveLength(7);
      // chunk 0: three throttled calls, then a retry run met "busy"; 1: 5xx; 2–3: timeouts — all unknown, never resent.
      expect(chunks.slice(0, 2).map((c) => c.status)).toEqual(['unknown', 'unknown']);
      expect(chunks[0]?.lastError).toMatch(/^-1; not reconciled/);
      expect(chunks[1]?.lastError).toMatch(/^http_502; not reconciled/);
      // A timed-out call may have been executed (the simulator's coin): then it is found and adopted, never resent.
      for (const chunk of chunks.slice(2, 4)) {
        expect(`${chunk.status} ${chunk.lastError}`).toMatch(/^(unknown connection; not reconciled: no_matching_task|done connection; reconciled)$/);
      }
      expect(chunks.slice(2, 4).some((c) => c.status === 'done')).toBe(true);
      expect(chunks.slice(4).map((c) => c.status)).toEqual(['done', 'done', 'done']);
      // Calls per chunk: 3 throttled + 1 busy; one each; the token-invalidated chunk 5 twice (40014, then ok).
      const calls = s.sendCalls().filter((c) => recipients.includes(c.userids[0] ?? ''));
      const perChunk = chunks.map((c) => calls.filter((call) => sameSet(call.userids, JSON.parse(c.userids) as string[])).length);
      expect(perChunk).toEqual([4, 1, 1, 1, 1, 2, 1]);
      expect(s.sim.sim.requestLog({ pathPrefix: `${MSG_PATH}/getsendprogress` }).filter((e) => e.fault === '5xx')).toHaveLength(2);
    } finally {
      s.sim.sim.clearFaults();
    }
  });

  it('when the cloud dies while a chunk is in flight, then a restarted cloud resumes after the lease: the chunk becomes unknown and the rest are sent once', async () => {
    s.sim.sim.setFaults([{ path: SEND_PATH, kind: 'timeout', holdMs: 5_000, times: 1 }]);
    const before = s.sendCalls().length;
    const recipients = users(101, 30);
    const id = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: recipients }, msg: text('Crash drill') })).body).id;
    const db = s.cloud.services.db;
    await waitFor(async () => (await db.messageChunk.count({ where: { messageId: id, status: 'sending' } })) === 1, 'chunk in flight');

    // The first cloud is now stuck in the call; a second one on the same database takes the job
    // over once the lease (120 s) has expired on its clock.
    const restarted = await startCloud({
      databaseUrl: s.cloud.databaseUrl,
      dispatcher: false,
      env: s.cloudEnv,
      overrides: { now: () => Date.now() + 180_000 },
    });
    try {
      await waitFor(async () => (await db.message.findUniqueOrThrow({ where: { id } })).status !== 'sending', 'dispatch finished by the second cloud', 20_000);
      const completed = await s.waitForEvent('message.completed', id, { timeoutMs: 20_000 });
      const chunks = await expectConsistentWithDingTalk(id, completed.data.recipients);
      expect(chunks.slice(1).map((c) => c.status)).toEqual(['done', 'done']);
      // Whether the lost call took effect is the simulator's coin: reconciled if it did, unknown if not.
      expect(chunks[0]?.lastError).toMatch(/^interrupted; (reconciled|not reconciled: no_matching_task)$/);
      const calls = s.sendCalls().slice(before);
      expect(calls).toHaveLength(3);
      for (const chunk of chunks) expect(calls.filter((c) => sameSet(c.userids, JSON.parse(chunk.userids) as string[]))).toHaveLength(1);
    } finally {
      await restarted.close();
      s.sim.sim.clearFaults();
    }
  });

  it('when the tenant has no agentId, then the message fails before sending and each userid given fails with the reason', async () => {
    const created = await s.call<{ apiKey: { key: string } }>('POST', '/admin/tenants', {
      name: 'No agent yet',
      corpId: 'ding-no-agent',
      appKey: 'no-agent-key',
      appSecret: 'no-agent-secret',
    });
    expect(created.status).toBe(201);
    const token = created.body.apiKey.key;
    const before = s.sendCalls().length;
    const accepted = await s.call(
      'POST',
      '/v1/messages',
      { recipients: { userIds: ['user002', 'user001', 'user002'] }, msg: text('Nobody can send this') },
      { token },
    );
    const id = AcceptedMessageSchema.parse(accepted.body).id;
    const completed = await s.waitForEvent('message.completed', id, { token });
    const failed = (userid: string) => ({ userid, status: 'failed', reason: 'agent_id_missing' });
    expect(completed.data).toMatchObject({ status: 'failed', recipients: [failed('user001'), failed('user002')] });
    expect(s.sendCalls()).toHaveLength(before);
  });

  it('when the organisation has no such department, then the message fails for it and nothing is sent', async () => {
    const before = s.sendCalls().length;
    const id = AcceptedMessageSchema.parse((await s.send({ recipients: { deptIds: [999] }, msg: text('Nobody there') })).body).id;
    const completed = await s.waitForEvent('message.completed', id);
    expect(completed.data).toMatchObject({ status: 'failed', recipients: [] });
    expect(s.sendCalls()).toHaveLength(before);
  });
});

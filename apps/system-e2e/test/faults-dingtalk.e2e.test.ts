// Work notifications across real processes while the DingTalk simulator misbehaves on one call in
// five (5xx, timeouts, -1 busy, 90018 throttling, token invalidation), on every DingTalk path:
// every message still ends final, the store learns the same final state, and nobody receives a
// message twice. (The cloud's in-process test scripts one storm; this one is probabilistic.)
import type { InboxEntry } from '@dtg/dingtalk-sim';
import { clearFaults, type DrillStack, setFaults, simControl, simInbox, simRequests, simTasks, startDrillStack, waitFor } from '@dtg/testkit';
import { expectNoSecretsInLogs, knownSecrets, secretsSeenBySim } from './support/secret-scan';

interface MessageView {
  id: string;
  status: string;
  recipients: Array<{ userid: string; status: string; reason?: string }>;
  chunks: Array<{ index: number; status: string; taskId: number | null; lastError: string | null }>;
}

const FINAL_MESSAGE = ['completed', 'failed'];
const FINAL_RECIPIENT = ['read', 'unread', 'failed', 'forbidden', 'invalid', 'rejected_by_quota', 'unknown'];
const users = (from: number, count: number) => Array.from({ length: count }, (_, i) => `user${String(from + i).padStart(3, '0')}`);
/** Each kind fires on ~4.4 % of calls: together one DingTalk call in five fails. */
const EACH = 1 - Math.pow(0.8, 1 / 5);

describe('work notifications while DingTalk fails one call in five (real processes)', () => {
  let stack: DrillStack;

  beforeAll(async () => {
    stack = await startDrillStack({
      logLevel: 'info',
      cloudEnv: { MESSAGE_CHUNK_SIZE: '10', MESSAGE_RECEIPT_SCHEDULE: '200ms,500ms,1s', JOB_POLL_INTERVAL: '100ms' },
    });
    await simControl(stack.sim.url, 'PATCH', '/config', { taskRunningAfterMs: 100, taskDoneAfterMs: 300 });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  async function send(recipients: object, content: string): Promise<string> {
    const res = await fetch(`${stack.cloud.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tenant.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recipients, msg: { msgtype: 'text', text: { content } } }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }

  async function view(id: string): Promise<MessageView> {
    const res = await fetch(`${stack.cloud.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${stack.tenant.apiKey}` } });
    return (await res.json()) as MessageView;
  }

  const isFinal = async (id: string) => {
    const v = await view(id);
    return FINAL_MESSAGE.includes(v.status) ? v : undefined;
  };

  it('when faults hit sends, polls and tokens, then every message ends final, once per person, and the store agrees', async () => {
    // One clean send first: it gives the reconciler of unknown sends its lower bound.
    const warmUp = await send({ userIds: ['user200'] }, 'warm-up');
    await waitFor(() => isFinal(warmUp), 'the warm-up message final', 30_000);

    await setFaults(stack.sim.url, [
      { kind: '5xx', probability: EACH },
      { kind: 'timeout', probability: EACH, holdMs: 300 },
      { kind: 'busy', probability: EACH },
      { kind: 'qps', probability: EACH },
      { kind: 'invalidate-token', probability: EACH },
    ]);
    const sent: Array<{ id: string; content: string }> = [];
    for (let i = 0; i < 6; i++) {
      const content = `fault drill ${i} ${Date.now()}`;
      sent.push({ id: await send({ userIds: users(1 + i * 15, 25) }, content), content });
    }
    const byDept = `fault drill by department ${Date.now()}`;
    sent.push({ id: await send({ deptIds: [7] }, byDept), content: byDept });

    const finals = new Map<string, MessageView>();
    await waitFor(
      async () => {
        for (const { id } of sent) {
          if (finals.has(id)) continue;
          const done = await isFinal(id);
          if (done) finals.set(id, done);
        }
        return finals.size === sent.length;
      },
      'every message final',
      150_000,
    );
    const log = await simRequests(stack.sim.url);
    await clearFaults(stack.sim.url);
    expect(log.filter((e) => e.fault !== undefined).length).toBeGreaterThan(0);

    const tasks = await simTasks(stack.sim.url);
    const inboxes = new Map<string, InboxEntry[]>();
    for (const { id, content } of sent) {
      const final = finals.get(id) as MessageView;
      expect(final.recipients.length).toBeGreaterThan(0);
      for (const r of final.recipients) expect(FINAL_RECIPIENT).toContain(r.status);

      // DingTalk's side: no person is addressed by two tasks of the same message.
      const addressed = tasks.filter((t) => (t.msg as { text?: { content?: string } }).text?.content === content).flatMap((t) => t.recipients);
      expect(new Set(addressed).size).toBe(addressed.length);

      for (const r of final.recipients) {
        if (!inboxes.has(r.userid)) inboxes.set(r.userid, await simInbox(stack.sim.url, r.userid));
        const received = (inboxes.get(r.userid) ?? []).filter((e) => (e.msg as { text?: { content?: string } }).text?.content === content);
        expect(received.length).toBeLessThanOrEqual(1);
        if (r.status === 'read' || r.status === 'unread') expect(received).toHaveLength(1);
        if (r.status === 'read') expect(received[0]?.read).toBe(true);
        if (r.status === 'failed') expect(received).toHaveLength(0);
      }

      // The store learnt the same final state through the event spine.
      await waitFor(
        async () => (await stack.db.query('SELECT status FROM messages WHERE id = $1', [id])).rows[0]?.status === final.status,
        `store has ${id} ${final.status}`,
        30_000,
      );
    }
    expectNoSecretsInLogs(stack.transcript(), knownSecrets(stack, secretsSeenBySim(log)));
  }, 240_000);
});

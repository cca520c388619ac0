// Work notifications across real processes: the cloud sends through the simulator in chunks, polls
// the receipts, and the local store ends with every recipient's status as DingTalk reports it. Also
// the quota guard, and tenant isolation of user tokens.
import { MessageDetailSchema, MessagesPageSchema, type MessageDetail, type RecipientStatus } from '@dtg/contracts';
import { DEMO } from '@dtg/dingtalk-sim';
import { localSession, returnParams, signIn } from './support/browser';
import { call, count, simControl, simRequests, type Stack, startStack, waitFor } from '@dtg/testkit';
import { cloudTokenOf } from './support/login-flow';
import { provisionSecondTenant, type SecondTenant } from './support/second-tenant';

const SEND_PATH = '/topapi/message/corpconversation/asyncsend_v2';

interface SimTask {
  taskId: number;
  completed: boolean;
  results: { read: string[]; unread: string[]; forbidden: string[]; failed: string[] };
}

interface SentCall {
  userids: string[];
  errcode?: number;
}

const pad = (n: number) => String(n).padStart(3, '0');

describe('work notifications across real processes', () => {
  let stack: Stack;
  let tenantB: SecondTenant;
  let session: { cookie: string; cloudToken: string };

  beforeAll(async () => {
    stack = await startStack({ cloudEnv: { MESSAGE_RECEIPT_SCHEDULE: '300ms,500ms,1s' } });
    tenantB = await provisionSecondTenant(stack, 'http://127.0.0.1:9/second-org-app/');
    session = await localSession(stack, DEMO.adminUserid);
  }, 90_000);
  afterAll(() => stack?.close());

  const send = (body: unknown, token = stack.tenant.apiKey) => call<{ id: string }>(stack.cloud.url, 'POST', '/v1/messages', { token, body });

  async function localMessage(id: string): Promise<MessageDetail | undefined> {
    const reply = await call(stack.local.url, 'GET', `/api/messages/${id}`, { cookie: session.cookie });
    return reply.status === 200 ? MessageDetailSchema.parse(reply.body) : undefined;
  }

  const localMessageWhen = (id: string, what: string, done: (m: MessageDetail) => boolean) =>
    waitFor(async () => {
      const message = await localMessage(id);
      return message && done(message) ? message : undefined;
    }, `message ${id} in the local store: ${what}`);

  async function sentCalls(): Promise<SentCall[]> {
    const log = await simRequests(stack.sim.url, SEND_PATH);
    return log.map((entry) => {
      const list = (entry.body as { userid_list?: string }).userid_list;
      return { userids: list ? list.split(',') : [], errcode: entry.errcode };
    });
  }

  /** Two new departments (one with a sub-department) holding 250 people; five are in both. */
  async function addLaunchDepartments(): Promise<string[]> {
    const org = `/orgs/${DEMO.corpId}`;
    await simControl(stack.sim.url, 'POST', `${org}/departments`, { deptId: 20, name: 'Launch A', parentId: 1 });
    await simControl(stack.sim.url, 'POST', `${org}/departments`, { deptId: 21, name: 'Launch A West', parentId: 20 });
    await simControl(stack.sim.url, 'POST', `${org}/departments`, { deptId: 22, name: 'Launch B', parentId: 1 });
    const people = [
      ...Array.from({ length: 100 }, (_, i) => ({ userid: `a${pad(i + 1)}`, deptIds: i < 5 ? [20, 22] : [20] })),
      ...Array.from({ length: 50 }, (_, i) => ({ userid: `w${pad(i + 1)}`, deptIds: [21] })),
      ...Array.from({ length: 100 }, (_, i) => ({ userid: `b${pad(i + 1)}`, deptIds: [22] })),
    ];
    for (const p of people) await simControl(stack.sim.url, 'POST', `${org}/users`, { ...p, name: `Launch ${p.userid}` });
    return people.map((p) => p.userid);
  }

  it('when a markdown notification goes to 250 people in two departments, then 3 sends (100/100/50) carry it and the local store holds 250 statuses matching DingTalk', async () => {
    const people = await addLaunchDepartments();
    await simControl(stack.sim.url, 'DELETE', '/requests');
    // DingTalk's clock stands still until the sends are seen, so no task can finish before that.
    await simControl(stack.sim.url, 'POST', '/clock', { freeze: true });
    const sent = await send({
      recipients: { deptIds: [20, 22] },
      msg: { msgtype: 'markdown', markdown: { title: 'Launch day', text: '## Launch\nThe **new** release ships today.' } },
    });
    expect(sent.status).toBe(202);
    const { id } = sent.body;

    const dispatched = await localMessageWhen(id, 'dispatched to 250', (m) => m.recipients.length === 250 && m.counts.sent === 250);
    expect(dispatched.msgtype).toBe('markdown');
    expect(dispatched.recipientsSpec).toEqual({ deptIds: [20, 22] });
    const calls = await sentCalls();
    expect(calls.map((c) => c.userids.length)).toEqual([100, 100, 50]);
    expect(calls.every((c) => c.errcode === 0)).toBe(true);
    expect(new Set(calls.flatMap((c) => c.userids))).toEqual(new Set(people));

    // DingTalk finishes a task within seconds of its own clock: move it instead of waiting.
    await simControl(stack.sim.url, 'POST', '/clock', { advanceMs: 5_000 });
    await simControl(stack.sim.url, 'POST', '/clock', { freeze: false });
    const completed = await localMessageWhen(id, 'completed', (m) => m.status === 'completed');

    const cloudView = await call<{ chunks: Array<{ taskId: number | null }> }>(stack.cloud.url, 'GET', `/v1/messages/${id}`, { token: stack.tenant.apiKey });
    const taskIds = cloudView.body.chunks.map((c) => c.taskId);
    expect(taskIds).toHaveLength(3);
    const expected: Record<string, RecipientStatus> = {};
    for (const taskId of taskIds) {
      const task = await simControl<SimTask>(stack.sim.url, 'GET', `/tasks/${taskId}`);
      expect(task.completed).toBe(true);
      for (const userid of task.results.read) expected[userid] = 'read';
      for (const userid of task.results.unread) expected[userid] = 'unread';
    }
    expect(Object.keys(expected)).toHaveLength(250);
    expect(Object.fromEntries(completed.recipients.map((r) => [r.userid, r.status]))).toEqual(expected);
    expect(completed.counts.read + completed.counts.unread).toBe(250);
    expect(completed.counts.read).toBeGreaterThan(0);
    expect(completed.counts.unread).toBeGreaterThan(0);

    const { rows } = await stack.pg.query<{ userid: string; status: string }>('SELECT userid, status FROM message_recipients WHERE message_id = $1', [id]);
    expect(Object.fromEntries(rows.map((r) => [r.userid, r.status]))).toEqual(expected);
    const page = MessagesPageSchema.parse((await call(stack.local.url, 'GET', '/api/messages', { cookie: session.cookie })).body);
    expect(page.items.find((m) => m.id === id)).toMatchObject({ status: 'completed', counts: completed.counts });
    expect(await sentCalls()).toHaveLength(3);
  });

  it('when the same content goes to the same user twice, then the second is rejected_by_quota in the local store and never reaches DingTalk', async () => {
    await simControl(stack.sim.url, 'DELETE', '/requests');
    const body = { recipients: { userIds: ['user010'] }, msg: { msgtype: 'text', text: { content: 'Your badge is ready at the front desk.' } } };
    const first = await send(body);
    expect(first.status).toBe(202);
    const delivered = new Set<RecipientStatus>(['sent', 'read', 'unread']);
    await localMessageWhen(first.body.id, 'sent to user010', (m) => m.recipients.some((r) => r.userid === 'user010' && delivered.has(r.status)));

    const second = await send(body);
    expect(second.status).toBe(202);
    expect(second.body.id).not.toBe(first.body.id);
    const rejected = await localMessageWhen(second.body.id, 'settled', (m) => m.recipients.length === 1 && m.recipients[0]?.status !== 'pending');
    expect(rejected.recipients).toEqual([{ userid: 'user010', status: 'rejected_by_quota', reason: 'duplicate_content' }]);
    expect(rejected.counts.rejected_by_quota).toBe(1);
    expect((await sentCalls()).map((c) => c.userids)).toEqual([['user010']]);
  });

  it('when a text holds a lone surrogate or a NUL, then 400 names body.msg.text.content, the cloud emits nothing and nothing reaches the store', async () => {
    const eventsAfter = async (after: number) => {
      const all: Array<{ seq: number; type: string }> = [];
      for (
        let page;
        (page = (
          await call<{ events: typeof all }>(stack.cloud.url, 'GET', `/v1/events?after=${all.at(-1)?.seq ?? after}&limit=1000`, { token: stack.tenant.apiKey })
        ).body.events).length > 0;
      )
        all.push(...page);
      return all;
    };
    const seqBefore = (await eventsAfter(0)).at(-1)?.seq ?? 0;
    const localBefore = await count(stack.pg, 'messages');
    for (const content of ['x\ud800y', 'x\udc00', 'x\u0000y']) {
      const refused = await send({ recipients: { userIds: ['user011'] }, msg: { msgtype: 'text', text: { content } } });
      expect([JSON.stringify(content), refused.status, refused.body]).toEqual([
        JSON.stringify(content),
        400,
        expect.objectContaining({ code: 'validation_failed', errors: [{ path: 'body.msg.text.content', message: expect.any(String) }] }),
      ]);
    }
    // A good message after them arrives: had a bad one been accepted, the store would have met it first.
    const marker = await send({ recipients: { userIds: ['user011'] }, msg: { msgtype: 'text', text: { content: 'x😀y, after the refused ones' } } });
    expect(marker.status).toBe(202);
    await localMessageWhen(marker.body.id, 'stored', () => true);
    expect((await eventsAfter(seqBefore)).filter((e) => e.type === 'message.accepted')).toHaveLength(1);
    expect(await count(stack.pg, 'messages')).toBe(localBefore + 1);
    expect(await count(stack.pg, 'dead_events')).toBe(0);
  });

  it('when a user token of tenant A meets tenant B’s resources, then it is refused; B’s ticket opens nothing at A’s local store', async () => {
    const messageB = await send(
      { recipients: { userIds: ['second010'] }, msg: { msgtype: 'text', text: { content: 'For the second org only.' } } },
      tenantB.apiKey,
    );
    expect(messageB.status).toBe(202);
    const syncB = await call<{ id: string }>(stack.cloud.url, 'POST', '/v1/directory/sync', { token: tenantB.apiKey, body: {} });
    expect(syncB.status).toBe(202);
    const messageA = await send({ recipients: { userIds: ['user003'] }, msg: { msgtype: 'text', text: { content: 'For the demo org only.' } } });

    // The same calls work for their own tenant, so a refusal below is about tenancy alone.
    expect((await call(stack.cloud.url, 'GET', `/v1/messages/${messageB.body.id}`, { token: tenantB.apiKey })).status).toBe(200);
    expect((await call(stack.cloud.url, 'GET', `/v1/messages/${messageA.body.id}`, { token: session.cloudToken })).status).toBe(200);
    expect((await call(stack.cloud.url, 'GET', '/v1/users/user003', { token: session.cloudToken })).status).toBe(200);

    const asA = (method: string, path: string) => call(stack.cloud.url, method, path, { token: session.cloudToken });
    expect((await asA('GET', `/v1/messages/${messageB.body.id}`)).status).toBe(404);
    expect((await asA('DELETE', `/v1/messages/${messageB.body.id}`)).status).toBe(404);
    expect((await asA('GET', `/v1/directory/sync/${syncB.body.id}`)).status).toBe(404);
    expect((await asA('GET', '/v1/users/second010')).status).toBe(404);
    const stillB = await call<{ status: string }>(stack.cloud.url, 'GET', `/v1/messages/${messageB.body.id}`, { token: tenantB.apiKey });
    expect(stillB.body.status).not.toBe('recalled');

    // A member of B signs in through B: B's ticket and user token work for B only.
    const ticketB = returnParams(await signIn(stack, { userid: 'second010' }, { tenantId: tenantB.id, returnTo: tenantB.returnTo })).get('ticket') ?? '';
    const tokenB = await cloudTokenOf(stack.cloud.url, tenantB.apiKey, ticketB);
    expect((await call(stack.cloud.url, 'GET', `/v1/messages/${messageA.body.id}`, { token: tokenB })).status).toBe(404);
    expect((await call(stack.cloud.url, 'GET', '/v1/users/user003', { token: tokenB })).status).toBe(404);

    const sessionsBefore = await count(stack.pg, 'sessions');
    const atA = await call(stack.local.url, 'POST', '/api/session', { body: { ticket: ticketB } });
    expect(atA.status).toBe(401);
    expect(await count(stack.pg, 'sessions')).toBe(sessionsBefore);
    expect(await count(stack.pg, 'users WHERE userid = $1', ['second010'])).toBe(0);
  });
});

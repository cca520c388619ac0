import { Readable } from 'node:stream';
import { ZodError } from 'zod';
import { DingTalkApiError, DingTalkTransportError, type DingTalkClient } from '../index';
import { validMessages } from './messages.fixture';
import { DEMO, eachSimClient, internalApp, isvInstall, type SimHarness } from './sim-harness';
import { rejection } from './rejections';

let sim: SimHarness;
let client: DingTalkClient;
eachSimClient((s, c) => ([sim, client] = [s, c]));

const SEND = '/topapi/message/corpconversation/asyncsend_v2';
const text = (content: string) => ({ msgtype: 'text' as const, text: { content } });

interface SimTask {
  taskId: number;
  msgtype: string;
  status: string;
}

const MEDIA_FILES: Record<string, { type: 'image' | 'voice' | 'file'; filename: string }> = {
  image: { type: 'image', filename: 'chart.png' },
  voice: { type: 'voice', filename: 'memo.amr' },
  file: { type: 'file', filename: 'report.pdf' },
};

/** Image, voice and file messages carry a media_id the sending app uploaded: upload one and put it in. */
async function withUploadedMedia<M extends { msgtype: string }>(msgtype: string, msg: M): Promise<M> {
  const media = MEDIA_FILES[msgtype];
  if (!media) return msg;
  const { mediaId } = await client.forOrg(internalApp).media.upload({ ...media, content: Readable.from([Buffer.from('file bytes')]) });
  return { ...msg, [msgtype]: { ...(msg as unknown as Record<string, object>)[msgtype], media_id: mediaId } };
}

describe('work notifications against the simulator', () => {
  it.each(Object.entries(validMessages))('sends a %s message and the simulator records that msgtype', async (msgtype, fixture) => {
    const msg = await withUploadedMedia(msgtype, fixture);
    const taskId = await client.forOrg(internalApp).messages.send({ userIds: ['user020'], msg });
    const task = await sim.control<SimTask>('GET', `/tasks/${taskId}`);
    expect(task.msgtype).toBe(msgtype);
    const [entry] = await sim.requests(SEND);
    expect(entry?.body).toMatchObject({ agent_id: DEMO.app.agentId, userid_list: 'user020', msg });
  });

  it('follows a task from 0 to done and reads per-recipient results', async () => {
    const messages = client.forOrg(internalApp).messages;
    const taskId = await messages.send({ userIds: ['user021', 'user022', 'ghost-user'], msg: text('progress test') });
    expect((await messages.getSendProgress(taskId)).status).not.toBe(2);
    await sim.advanceClock(10_000);
    expect(await messages.getSendProgress(taskId)).toEqual({ progress_in_percent: 100, status: 2 });
    const result = await messages.getSendResult(taskId);
    expect(result.invalid_user_id_list).toEqual(['ghost-user']);
    expect([...result.read_user_id_list, ...result.unread_user_id_list].sort()).toEqual(['user021', 'user022']);
    expect(result.forbidden_list).toEqual([]);
  });

  it('reports the same content sent twice in a day as forbidden 143106', async () => {
    const messages = client.forOrg(internalApp).messages;
    await messages.send({ userIds: ['user023'], msg: text('same words') });
    const second = await messages.send({ userIds: ['user023'], msg: text('same words') });
    await sim.advanceClock(10_000);
    const result = await messages.getSendResult(second);
    expect(result.forbidden_user_id_list).toEqual(['user023']);
    expect(result.forbidden_list).toEqual([expect.objectContaining({ code: '143106', userid: 'user023' })]);
  });

  it('recalls a sent task', async () => {
    const messages = client.forOrg(internalApp).messages;
    const taskId = await messages.send({ userIds: ['user024'], msg: text('to recall') });
    await sim.advanceClock(10_000);
    await messages.recall(taskId);
    const [entry] = await sim.requests('/topapi/message/corpconversation/recall');
    expect(entry).toMatchObject({ errcode: 0, body: { agent_id: DEMO.app.agentId, msg_task_id: taskId } });
  });

  it('sends as the ISV install with its own agentId', async () => {
    const taskId = await client.forOrg(isvInstall).messages.send({ userIds: ['user025'], msg: text('from the suite') });
    const [entry] = await sim.requests(SEND);
    expect(entry?.body).toMatchObject({ agent_id: DEMO.suite.agentId });
    expect(entry?.clientKey).toContain(DEMO.suite.suiteKey);
    expect(typeof taskId).toBe('number');
  });

  it('when the request is invalid, then it is rejected before any I/O', async () => {
    const messages = client.forOrg(internalApp).messages;
    await expect(messages.send({ userIds: ['user026'], msg: text('x'.repeat(3000)) })).rejects.toBeInstanceOf(ZodError);
    await expect(messages.send({ msg: text('nobody') })).rejects.toBeInstanceOf(ZodError);
    // DingTalk refuses to_all_user from ISV apps (40035): said before any I/O, naming the field.
    const isvAll = client.forOrg(isvInstall).messages.send({ toAllUser: true, msg: text('everyone') });
    await expect(isvAll).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['toAllUser'] })] });
    expect(await sim.requests('/')).toHaveLength(0);
  });

  it('when userIds and deptIds come together, then one send reaches their union', async () => {
    const taskId = await client.forOrg(internalApp).messages.send({ userIds: ['user027'], deptIds: [8], msg: text('both') });
    const [entry] = await sim.requests(SEND);
    expect(entry?.body).toMatchObject({ userid_list: 'user027', dept_id_list: '8' });
    const task = await sim.control<{ recipients: string[] }>('GET', `/tasks/${taskId}`);
    expect(task.recipients).toContain('user027');
    expect(task.recipients.length).toBeGreaterThan(1);
  });

  it('when results are asked for a task with more than 100 recipients, then DingTalk refuses with 41052', async () => {
    const messages = client.forOrg(internalApp).messages;
    const taskId = await messages.send({ deptIds: [1], msg: text('everyone') });
    await sim.advanceClock(10_000);
    expect(await rejection(messages.getSendResult(taskId))).toMatchObject({ errcode: 41052, kind: 'fail-bad-request' });
  });
});

describe('errors and retries per class, using simulator faults', () => {
  const messages = () => client.forOrg(internalApp).messages;

  it('when a send times out after it left, then it is not retried and the outcome is unknown', async () => {
    const quick = sim.client({ timeoutMs: 200 }).forOrg(internalApp).messages;
    await sim.faults([{ path: SEND, kind: 'timeout', holdMs: 1000, times: 1 }]);
    const err = await rejection(quick.send({ userIds: ['user030'], msg: text('maybe sent') }));
    expect(err).toBeInstanceOf(DingTalkTransportError);
    expect(err).toMatchObject({ reason: 'timeout', mayHaveReachedServer: true, outcome: 'unknown' });
    expect(await sim.requests(SEND)).toHaveLength(1);
  });

  it('when the connection is dropped during a send, then it is not retried and the outcome is unknown', async () => {
    await sim.faults([{ path: SEND, kind: 'timeout', holdMs: 50, times: 1 }]);
    const err = await rejection(messages().send({ userIds: ['user031'], msg: text('dropped') }));
    expect(err).toMatchObject({ name: 'DingTalkTransportError', mayHaveReachedServer: true, outcome: 'unknown' });
    expect(await sim.requests(SEND)).toHaveLength(1);
  });

  it('when a send meets a 5xx answer, then it is not retried and the outcome is unknown', async () => {
    await sim.faults([{ path: SEND, kind: '5xx', times: 1 }]);
    const err = await rejection(messages().send({ userIds: ['user032'], msg: text('fault 5xx') }));
    expect(err).toBeInstanceOf(DingTalkApiError);
    expect(err).toMatchObject({ kind: 'retry-backoff', outcome: 'unknown' });
    expect((err as DingTalkApiError).httpStatus).toBeGreaterThanOrEqual(500);
    expect(await sim.requests(SEND)).toHaveLength(1);
  });

  it('when a send meets system busy (-1), then it is not retried and the outcome is unknown', async () => {
    await sim.faults([{ path: SEND, kind: 'busy', times: 1 }]);
    const err = await rejection(messages().send({ userIds: ['user032'], msg: text('fault busy') }));
    expect(err).toMatchObject({ errcode: -1, kind: 'retry-backoff', outcome: 'unknown' });
    expect(await sim.requests(SEND)).toHaveLength(1);
  });

  it('when a send is throttled (88/90018), then it is retried after the throttle delay and succeeds', async () => {
    await sim.faults([{ path: SEND, kind: 'qps', times: 1 }]);
    const taskId = await messages().send({ userIds: ['user033'], msg: text('throttled once') });
    expect(taskId).toEqual(expect.any(Number));
    const log = await sim.requests(SEND);
    // How long it waits first is the retry policy's throttle delay (retry-policy.test.ts).
    expect(log.map((e) => e.errcode)).toEqual([88, 0]);
  });

  it('when the token was revoked before a send, then the send refreshes once and goes through exactly once', async () => {
    const org = client.forOrg(internalApp);
    await sim.faults([{ path: '/topapi/v2/user/get', kind: 'invalidate-token', times: 1 }]);
    await org.contacts.getUser('user034');
    await org.messages.send({ userIds: ['user034'], msg: text('after revocation') });
    expect((await sim.requests(SEND)).map((e) => [e.errcode, e.code])).toEqual([
      [88, undefined],
      [0, undefined],
    ]);
    expect((await sim.control<SimTask[]>('GET', '/tasks')).length).toBe(1);
  });

  it('when a read meets 5xx and busy, then it is retried with backoff and succeeds', async () => {
    const taskId = await messages().send({ userIds: ['user035'], msg: text('read retries') });
    const path = '/topapi/message/corpconversation/getsendprogress';
    await sim.faults([
      { path, kind: '5xx', times: 1 },
      { path, kind: 'busy', times: 1 },
    ]);
    expect(await messages().getSendProgress(taskId)).toEqual(expect.objectContaining({ status: expect.any(Number) }));
    const log = await sim.requests('/topapi/message/corpconversation/getsendprogress');
    expect(log.map((e) => [e.fault, e.httpStatus >= 500 ? '5xx' : e.httpStatus, e.errcode])).toEqual([
      ['5xx', '5xx', undefined],
      ['busy', 200, -1],
      [undefined, 200, 0],
    ]);
  });

  it.each([
    ['monthly-quota', 'quota'],
    ['ip-ban', 'banned'],
  ])('when DingTalk answers %s, then the call fails at once as %s', async (fault, kind) => {
    await sim.faults([{ path: '/topapi/v2/user/get', kind: fault, times: 1 }]);
    const err = await rejection(client.forOrg(internalApp).contacts.getUser('user036'));
    expect(err).toMatchObject({ kind });
    expect(await sim.requests('/topapi/v2/user/get')).toHaveLength(1);
    await sim.control('DELETE', '/faults');
  });
});

describe('client-side rate limiting against the simulator', () => {
  it('when the client does not throttle, then a burst meets 90018 (the simulator limit is real)', async () => {
    // 2 QPS, not 20: on a loaded machine 40 concurrent calls can take over 2 s to arrive, and a
    // 20 QPS bucket refills meanwhile; 40 calls within 20 s always overrun 2 QPS.
    await sim.control('PUT', '/rate-limits', { defaultQps: 2 });
    const raw = sim.client({ rateLimit: false, retry: { maxAttempts: 1 } }).forOrg(internalApp).contacts;
    await raw.getUser('user001');
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => raw.getUser('user001')));
    const throttled = results.filter((r) => r.status === 'rejected' && (r.reason as DingTalkApiError).kind === 'throttled');
    expect(throttled.length).toBeGreaterThan(0);
  });

  it('when 200 sends burst at a 20 QPS limit, then all succeed with zero 90018 answers', async () => {
    await sim.control('PUT', '/rate-limits', { defaultQps: 20 });
    const messages = client.forOrg(internalApp).messages;
    const users = Array.from({ length: 50 }, (_, i) => `user${String(i + 100).padStart(3, '0')}`);
    const taskIds = await Promise.all(Array.from({ length: 200 }, (_, i) => messages.send({ userIds: [users[i % 50] ?? 'user100'], msg: text(`burst ${i}`) })));
    expect(new Set(taskIds).size).toBe(200);
    const log = await sim.requests(SEND);
    expect(log).toHaveLength(200);
    // The simulator enforces the 20 QPS and answers 90018 past it: none means the client paced the burst.
    expect(log.filter((e) => e.errcode !== 0)).toEqual([]);
  }, 20_000);
});

import { ProblemSchema } from '@dtg/service-kit';
import { mintUserToken } from '../src/features/auth/user-tokens';
import { AcceptedMessageSchema, MessageViewSchema } from '../src/features/messages/messages.schemas';
import { markdown, startMessagingStack, text, type MessagingStack } from './support/messaging-stack';
import { waitFor } from './support/webhook-receiver';

const HOUR = 3_600_000;

describe('/v1/messages: validation, idempotency, tenancy, recall', () => {
  let s: MessagingStack;

  beforeAll(async () => {
    s = await startMessagingStack({ simConfig: { taskRunningAfterMs: 50, taskDoneAfterMs: 150 } });
  });
  afterAll(async () => {
    await s.close();
  });

  async function rowCounts() {
    const db = s.cloud.services.db;
    return {
      messages: await db.message.count(),
      recipients: await db.messageRecipient.count(),
      chunks: await db.messageChunk.count(),
      jobs: await db.job.count({ where: { kind: { startsWith: 'message.' } } }),
      events: await db.event.count({ where: { type: { startsWith: 'message.' } } }),
    };
  }

  it('when a message is invalid, then the answer is 400 naming the field, and nothing is stored or sent', async () => {
    const before = await rowCounts();
    const sendsBefore = s.sendCalls().length;
    const cases: [unknown, string][] = [
      [{ recipients: { userIds: ['user001'] }, msg: { msgtype: 'video', video: { media_id: 'x' } } }, 'body.msg.msgtype'],
      [{ recipients: { userIds: ['user001'] }, msg: { msgtype: 'markdown', markdown: { text: 'no title' } } }, 'body.msg.markdown.title'],
      [{ recipients: { userIds: ['user001'] }, msg: text('x'.repeat(2100)) }, 'body.msg'],
      [{ recipients: { userIds: ['user001'] }, msg: { msgtype: 'link', link: { messageUrl: 'https://a.example', picUrl: '@lA', title: 't'.repeat(101), text: 'x' } } }, 'body.msg.link.title'],
      [{ recipients: {}, msg: text('hello') }, 'body.recipients'],
      [{ recipients: { userIds: [] }, msg: text('hello') }, 'body.recipients'],
      [{ recipients: { userIds: Array.from({ length: 5001 }, (_, i) => `u${i}`) }, msg: text('hello') }, 'body.recipients.userIds'],
      [
        {
          recipients: { userIds: ['user001', 'user002', 'user003', 'user004', 'user005', 'user006'] },
          msg: { msgtype: 'oa', oa: { message_url: 'https://a.example', head: { bgcolor: 'FFBBBBBB', text: 'App' }, status_bar: { status_value: 'Open' }, body: { title: 'T' } } },
        },
        'body.msg.oa.status_bar',
      ],
      [{ recipients: { userIds: ['user001'] }, msg: text('hello'), extra: true }, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await s.send(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = ProblemSchema.parse(res.body);
      expect(problem.errors?.map((e) => e.path)).toContain(field);
    }
    expect(await rowCounts()).toEqual(before);
    expect(s.sendCalls()).toHaveLength(sendsBefore);
  });

  it('when a request is repeated with the same Idempotency-Key, then it is the same message; another body with that key is a 409', async () => {
    const body = { recipients: { userIds: ['user031', 'user032'] }, msg: text('idempotent hello') };
    const headers = { 'Idempotency-Key': 'order-4711' };
    const replies = await Promise.all(Array.from({ length: 5 }, () => s.send(body, headers)));
    for (const reply of replies) expect(reply.status).toBe(202);
    const ids = new Set(replies.map((r) => AcceptedMessageSchema.parse(r.body).id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    expect(replies[0]?.headers.get('location')).toBe(`/v1/messages/${id}`);

    const reordered = await s.send({ msg: text('idempotent hello'), recipients: { userIds: ['user031', 'user032'] } }, headers);
    expect(reordered.status).toBe(202);
    expect(AcceptedMessageSchema.parse(reordered.body).id).toBe(id);
    const conflict = await s.send({ ...body, msg: text('another text') }, headers);
    expect(conflict.status).toBe(409);
    expect(ProblemSchema.parse(conflict.body).code).toBe('idempotency_conflict');

    await s.waitForEvent('message.completed', id);
    expect(await s.cloud.services.db.message.count({ where: { idempotencyKey: 'order-4711' } })).toBe(1);
    expect(s.sendCalls().filter((c) => c.userids.includes('user031'))).toHaveLength(1);
    const accepted = (await s.eventsOf(id)).filter((e) => e.type === 'message.accepted');
    expect(accepted).toHaveLength(1);
  });

  it('when another tenant asks for a message, then it does not exist for them; a user token needs messages:send to send', async () => {
    const sent = await s.send({ recipients: { userIds: ['user033'] }, msg: text('tenant A only') });
    const id = AcceptedMessageSchema.parse(sent.body).id;
    const other = await s.call<{ apiKey: { key: string } }>('POST', '/admin/tenants', { name: 'Other', corpId: 'dingothercorp', appKey: 'k', appSecret: 'secret-value', agentId: 1 });
    const otherKey = other.body.apiKey.key;

    expect((await s.call('GET', `/v1/messages/${id}`, undefined, { token: otherKey })).status).toBe(404);
    expect((await s.call('DELETE', `/v1/messages/${id}`, undefined, { token: otherKey })).status).toBe(404);
    expect(await s.eventsOf(id, otherKey)).toEqual([]);
    expect((await s.call('GET', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey })).status).toBe(200);

    const secret = s.cloud.services.config.USER_TOKEN_SECRET;
    const reader = mintUserToken(secret, { tenantId: s.tenant.id, userid: 'user001', scopes: ['messages:read'] }, HOUR).token;
    const refused = await s.call('POST', '/v1/messages', { recipients: { userIds: ['user034'] }, msg: text('hi') }, { token: reader });
    expect(refused.status).toBe(403);
    expect((await s.call('GET', `/v1/messages/${id}`, undefined, { token: reader })).status).toBe(200);
    const sender = mintUserToken(secret, { tenantId: s.tenant.id, userid: 'user001', scopes: ['messages:send'] }, HOUR).token;
    const byUser = await s.call('POST', '/v1/messages', { recipients: { userIds: ['user034'] }, msg: text('from a person') }, { token: sender });
    expect(byUser.status).toBe(202);
    const row = await s.cloud.services.db.message.findUniqueOrThrow({ where: { id: AcceptedMessageSchema.parse(byUser.body).id } });
    expect(row.createdBy).toBe('user001');
  });

  it('when a sent message is recalled, then every chunk is recalled in DingTalk and message.recalled follows; after 24 h it is 410', async () => {
    const sent = await s.send({ recipients: { userIds: ['user041', 'user042', 'user043'] }, msg: markdown('Recall me') });
    const id = AcceptedMessageSchema.parse(sent.body).id;
    await s.waitForEvent('message.completed', id);

    const recalled = await s.call('DELETE', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey });
    expect(recalled.status).toBe(200);
    const view = MessageViewSchema.parse(recalled.body);
    expect(view.status).toBe('recalled');
    expect(view.counts.recalled).toBe(3);
    expect(view.chunks.every((c) => c.status === 'recalled')).toBe(true);
    for (const chunk of view.chunks) expect((await s.simTask(chunk.taskId ?? 0)).recalled).toBe(true);
    await s.waitForEvent('message.recalled', id);
    const again = await s.call('DELETE', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey });
    expect(again.status).toBe(200);
    expect((await s.eventsOf(id)).filter((e) => e.type === 'message.recalled')).toHaveLength(1);

    const late = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: ['user044'] }, msg: markdown('Too late to recall') })).body).id;
    await s.waitForEvent('message.completed', late);
    s.clock.offsetMs = 25 * HOUR;
    try {
      const gone = await s.call('DELETE', `/v1/messages/${late}`, undefined, { token: s.tenant.apiKey });
      expect(gone.status).toBe(410);
      expect(ProblemSchema.parse(gone.body).code).toBe('gone');
    } finally {
      s.clock.offsetMs = 0;
    }
    const task = (await s.cloud.services.db.messageChunk.findFirstOrThrow({ where: { messageId: late } })).taskId;
    expect((await s.simTask(Number(task))).recalled).toBe(false);
  });

  it('when GET /v1/messages/:id is called while it is in flight, then it shows the current status and chunks', async () => {
    const id = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: ['user051', 'user052'] }, msg: text('view me') })).body).id;
    const view = await waitFor(async () => {
      const res = await s.call('GET', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey });
      const parsed = MessageViewSchema.parse(res.body);
      return parsed.status === 'completed' ? parsed : undefined;
    }, 'completed view');
    expect(view.recipientsSpec).toEqual({ userIds: ['user051', 'user052'] });
    expect(view.chunks).toHaveLength(1);
    expect(view.chunks[0]).toMatchObject({ index: 0, status: 'done', recipients: 2 });
    expect(view.counts.read + view.counts.unread).toBe(2);
    expect(view.recipients.map((r) => r.userid)).toEqual(['user051', 'user052']);
  });

  it('when the OpenAPI document is read, then the message routes are in it with their schemas', async () => {
    const doc = await s.call<{ paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>> }>('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths['/v1/messages'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.body.paths['/v1/messages/{id}'] ?? {}).sort()).toEqual(['delete', 'get']);
    expect(doc.body.paths['/v1/messages']?.post?.responses['202']?.content).toBeDefined();
    expect(doc.body.paths['/v1/messages/{id}']?.get?.responses['200']?.content).toBeDefined();
  });
});

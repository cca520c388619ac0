import { ProblemSchema } from '@dtg/service-kit';
import { mintUserToken } from '../src/features/auth/user-tokens';
import { AcceptedMessageSchema } from '@dtg/contracts';
import { MessageViewSchema } from '../src/features/messages/messages.schemas';
import { markdown, text, type MessagingStack, useMessagingStack } from './support/messaging-stack';
import { waitFor } from '@dtg/testkit';

const HOUR = 3_600_000;

describe('/v1/messages: validation, idempotency, tenancy, recall', () => {
  let s: MessagingStack;
  useMessagingStack((started) => (s = started), { simConfig: { taskRunningAfterMs: 50, taskDoneAfterMs: 150 } });

  it('when the documented example of POST /v1/messages is sent, then it is accepted as documented', async () => {
    const document = (await (await fetch(`${s.cloud.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { requestBody: { content: Record<string, { example?: unknown }> }; responses: Record<string, { content?: Record<string, { example?: unknown }> }> }
        >
      >;
    };
    const operation = document.paths['/v1/messages']?.['post'];
    const example = operation?.requestBody.content['application/json']?.example;
    expect(example).toBeDefined();
    const sent = await s.send(example);
    expect(sent.status).toBe(202);
    // Followed to the end, so the tests after this one see no work of it still going on.
    await s.waitForEvent('message.completed', AcceptedMessageSchema.parse(sent.body).id);
    expect(Object.keys(sent.body as object).sort()).toEqual(Object.keys(operation?.responses['202']?.content?.['application/json']?.example as object).sort());
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

  /** What an accepted send adds (receipt polling of earlier messages keeps adding other events and jobs meanwhile). */
  async function accepted() {
    const db = s.cloud.services.db;
    return { messages: await db.message.count(), events: await db.event.count({ where: { type: 'message.accepted' } }) };
  }

  it('when a message is invalid, then the answer is 400 naming the field, and nothing is stored or sent', async () => {
    const before = await rowCounts();
    const sendsBefore = s.sendCalls().length;
    const cases: [unknown, string][] = [
      [{ recipients: { userIds: ['user001'] }, msg: { msgtype: 'video', video: { media_id: 'x' } } }, 'body.msg.msgtype'],
      [{ recipients: { userIds: ['user001'] }, msg: { msgtype: 'markdown', markdown: { text: 'no title' } } }, 'body.msg.markdown.title'],
      [{ recipients: { userIds: ['user001'] }, msg: text('x'.repeat(2100)) }, 'body.msg'],
      [
        {
          recipients: { userIds: ['user001'] },
          msg: { msgtype: 'link', link: { messageUrl: 'https://a.example', picUrl: '@lA', title: 't'.repeat(101), text: 'x' } },
        },
        'body.msg.link.title',
      ],
      [{ recipients: {}, msg: text('hello') }, 'body.recipients'],
      [{ recipients: { userIds: [] }, msg: text('hello') }, 'body.recipients'],
      [{ recipients: { userIds: Array.from({ length: 5001 }, (_, i) => `u${i}`) }, msg: text('hello') }, 'body.recipients.userIds'],
      [
        {
          recipients: { userIds: ['user001', 'user002', 'user003', 'user004', 'user005', 'user006'] },
          msg: {
            msgtype: 'oa',
            oa: { message_url: 'https://a.example', head: { bgcolor: 'FFBBBBBB', text: 'App' }, status_bar: { status_value: 'Open' }, body: { title: 'T' } },
          },
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

  it('when another tenant asks for a message, then it does not exist for them; an API key acts only within the scopes it was issued with', async () => {
    const sent = await s.send({ recipients: { userIds: ['user033'] }, msg: text('tenant A only') });
    const id = AcceptedMessageSchema.parse(sent.body).id;
    const other = await s.call<{ apiKey: { key: string } }>('POST', '/admin/tenants', {
      name: 'Other',
      corpId: 'dingothercorp',
      appKey: 'k',
      appSecret: 'secret-value',
      agentId: 1,
    });
    const otherKey = other.body.apiKey.key;

    expect((await s.call('GET', `/v1/messages/${id}`, undefined, { token: otherKey })).status).toBe(404);
    expect((await s.call('DELETE', `/v1/messages/${id}`, undefined, { token: otherKey })).status).toBe(404);
    expect(await s.eventsOf(id, otherKey)).toEqual([]);
    expect((await s.call('GET', `/v1/messages/${id}`, undefined, { token: s.tenant.apiKey })).status).toBe(200);

    const issued = await s.call<{ key: string; scopes: string[] }>('POST', `/admin/tenants/${s.tenant.id}/api-keys`, {
      name: 'reader',
      scopes: ['messages:read'],
    });
    expect(issued.status).toBe(201);
    expect(issued.body.scopes).toEqual(['messages:read']);
    const reader = issued.body.key;
    const before = await accepted();
    for (const [method, path, body, scope] of [
      ['POST', '/v1/messages', { recipients: { userIds: ['user034'] }, msg: text('hi') }, 'messages:send'],
      ['DELETE', `/v1/messages/${id}`, undefined, 'messages:send'],
      ['GET', '/v1/events?after=0', undefined, 'events:read'],
      ['POST', '/v1/directory/sync', {}, 'directory:sync'],
    ] as const) {
      const refused = await s.call(method, path, body, { token: reader });
      expect([method, path, refused.status]).toEqual([method, path, 403]);
      expect(ProblemSchema.parse(refused.body)).toMatchObject({ code: 'missing_permission', missingPermission: scope });
      expect(ProblemSchema.parse(refused.body).detail).toContain(scope);
    }
    expect(await accepted()).toEqual(before);
    expect((await s.call('GET', `/v1/messages/${id}`, undefined, { token: reader })).status).toBe(200);
    const view = await s.call<{ apiKeys: { name: string; scopes: string[] }[] }>('GET', `/admin/tenants/${s.tenant.id}`);
    expect(view.body.apiKeys.map((k) => [k.name, k.scopes])).toEqual([
      ['default', ['messages:send', 'messages:read', 'directory:read', 'directory:sync', 'events:read']],
      ['reader', ['messages:read']],
    ]);
    const unknownScope = await s.call('POST', `/admin/tenants/${s.tenant.id}/api-keys`, { name: 'x', scopes: ['messages:everything'] });
    expect(unknownScope.status).toBe(400);
    expect(ProblemSchema.parse(unknownScope.body).errors?.map((e) => e.path)).toEqual(['body.scopes.0']);
  });

  it('when members send, then the tenant’s member policy bounds them, they see and recall only their own messages, and an org admin has no such bounds', async () => {
    const secret = s.cloud.services.config.USER_TOKEN_SECRET;
    const member = mintUserToken(secret, { tenantId: s.tenant.id, userid: 'user061', role: 'member' }, HOUR).token;
    const colleague = mintUserToken(secret, { tenantId: s.tenant.id, userid: 'user062', role: 'member' }, HOUR).token;
    const admin = mintUserToken(secret, { tenantId: s.tenant.id, userid: 'user001', role: 'admin' }, HOUR).token;
    const sendAs = (token: string, recipients: Record<string, unknown>, content = 'policy check') =>
      s.call('POST', '/v1/messages', { recipients, msg: text(content) }, { token });
    const people = (n: number) => Array.from({ length: n }, (_, i) => `user${String(i + 1).padStart(3, '0')}`);

    // The default policy: up to 100 named people, no departments, not the whole org.
    const before = await accepted();
    for (const [recipients, permission] of [
      [{ toAll: true }, 'messages:send:everyone'],
      [{ deptIds: [2] }, 'messages:send:departments'],
      [{ userIds: ['user063'], deptIds: [2] }, 'messages:send:departments'],
      [{ userIds: people(101) }, 'messages:send:any-people'],
    ] as const) {
      const refused = await sendAs(member, recipients);
      expect([recipients, refused.status]).toEqual([recipients, 403]);
      expect(ProblemSchema.parse(refused.body)).toMatchObject({ code: 'missing_permission', missingPermission: permission });
    }
    expect(await accepted()).toEqual(before);

    const own = AcceptedMessageSchema.parse((await sendAs(member, { userIds: people(100) }, 'to a hundred people')).body).id;
    expect((await s.cloud.services.db.message.findUniqueOrThrow({ where: { id: own } })).createdBy).toBe('user061');
    const byAdmin = await sendAs(admin, { deptIds: [2], userIds: people(150) }, 'from an admin');
    expect(byAdmin.status).toBe(202);
    const adminMessage = AcceptedMessageSchema.parse(byAdmin.body).id;

    // Reading and recalling: members their own only; admins and API keys everything.
    expect((await s.call('GET', `/v1/messages/${own}`, undefined, { token: member })).status).toBe(200);
    for (const [method, id, token] of [
      ['GET', adminMessage, member],
      ['DELETE', adminMessage, member],
      ['GET', own, colleague],
      ['DELETE', own, colleague],
    ] as const) {
      const refused = await s.call(method, `/v1/messages/${id}`, undefined, { token });
      expect([method, refused.status]).toEqual([method, 403]);
      expect(ProblemSchema.parse(refused.body)).toMatchObject({ code: 'missing_permission', missingPermission: 'messages:manage' });
    }
    expect((await s.call('GET', `/v1/messages/${own}`, undefined, { token: admin })).status).toBe(200);
    expect((await s.call('GET', `/v1/messages/${adminMessage}`, undefined, { token: s.tenant.apiKey })).status).toBe(200);
    await s.waitForEvent('message.completed', own);
    expect((await s.call('DELETE', `/v1/messages/${own}`, undefined, { token: member })).status).toBe(200);

    // The operator widens the policy (departments), then closes it: each change applies to the next request.
    const widened = await s.call<{ memberSendPolicy: unknown }>('PATCH', `/admin/tenants/${s.tenant.id}`, { memberSendPolicy: { departments: true } });
    expect(widened.body.memberSendPolicy).toEqual({ enabled: true, maxUserIds: 100, departments: true, toAll: false });
    expect((await sendAs(member, { deptIds: [3] }, 'to a department')).status).toBe(202);
    await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { memberSendPolicy: { enabled: false } });
    const closed = await sendAs(member, { userIds: ['user063'] });
    expect(closed.status).toBe(403);
    expect(ProblemSchema.parse(closed.body)).toMatchObject({ code: 'missing_permission', missingPermission: 'messages:send' });
    expect((await sendAs(admin, { userIds: ['user063'] }, 'admins still may')).status).toBe(202);
    const badPolicy = await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { memberSendPolicy: { maxUserIds: 0 } });
    expect(ProblemSchema.parse(badPolicy.body).errors?.map((e) => e.path)).toEqual(['body.memberSendPolicy.maxUserIds']);
    await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { memberSendPolicy: { enabled: true, departments: false } });
  });

  it('when a message is accepted, then message.accepted names who asked: the userid of a user token, the id of an API key', async () => {
    const secret = s.cloud.services.config.USER_TOKEN_SECRET;
    const sender = mintUserToken(secret, { tenantId: s.tenant.id, userid: 'user002', role: 'member' }, HOUR).token;
    const byUser = AcceptedMessageSchema.parse(
      (await s.call('POST', '/v1/messages', { recipients: { userIds: ['user035'] }, msg: text('by a person') }, { token: sender })).body,
    ).id;
    const byKey = AcceptedMessageSchema.parse((await s.send({ recipients: { userIds: ['user036'] }, msg: text('by a service') })).body).id;
    const key = await s.cloud.services.db.apiKey.findFirstOrThrow({ where: { tenantId: s.tenant.id, name: 'default' } });

    const createdBy = async (id: string) => (await s.eventsOf(id)).find((e) => e.type === 'message.accepted')?.data;
    expect(await createdBy(byUser)).toMatchObject({ messageId: byUser, createdBy: 'user002' });
    expect(await createdBy(byKey)).toMatchObject({ messageId: byKey, createdBy: key.id });
    expect((await s.cloud.services.db.message.findUniqueOrThrow({ where: { id: byKey } })).createdBy).toBe(key.id);
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

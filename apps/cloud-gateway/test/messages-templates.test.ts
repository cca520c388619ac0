// Template sends (sendbytemplate) for ISV tenants, end to end against the simulator over HTTP:
// the `template` form of POST /v1/messages, the tenant's template settings, and the same receipts
// and recall as any work notification.
import { DEMO } from '@dtg/dingtalk-sim';
import { ProblemSchema } from '@dtg/service-kit';
import { AcceptedMessageSchema, type EventEnvelope } from '@dtg/contracts';
import { MessageViewSchema } from '../src/features/messages/messages.schemas';
import { startMessagingStack, text, type MessagingStack } from './support/messaging-stack';

const TEMPLATE_SEND = '/topapi/message/corpconversation/sendbytemplate';

describe('/v1/messages: template sends for ISV tenants', () => {
  let s: MessagingStack;
  let isv: { id: string; apiKey: string };

  beforeAll(async () => {
    s = await startMessagingStack({
      simConfig: { taskRunningAfterMs: 50, taskDoneAfterMs: 150, readPercent: 0 },
      env: { SUITE_KEY: DEMO.suite.suiteKey, SUITE_SECRET: DEMO.suite.suiteSecret },
    });
    await s.cloud.services.dingtalk.tickets.save(DEMO.suite.suiteKey, DEMO.suite.initialTicket);
    const created = await s.call<{ tenant: { id: string }; apiKey: { key: string } }>('POST', '/admin/tenants', {
      name: 'Demo Org (suite)',
      corpId: DEMO.corpId,
      mode: 'isv',
      agentId: DEMO.suite.agentId,
      messageTemplates: { required: true, defaultTemplateId: DEMO.suite.templateId },
    });
    expect(created.status).toBe(201);
    isv = { id: created.body.tenant.id, apiKey: created.body.apiKey.key };
    // The demo suite, marked created after 2020-11-27: DingTalk itself refuses its plain sends.
    const marked = await fetch(`${s.sim.url}/_sim/suites/${DEMO.suite.suiteKey}/templates`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requiresTemplate: true }),
    });
    expect(marked.status).toBe(200);
  });
  afterAll(async () => {
    await s.close();
  });

  const sendAs = (apiKey: string, body: unknown) => s.call('POST', '/v1/messages', body, { token: apiKey });
  const templateCalls = () => s.sim.sim.requestLog({ pathPrefix: TEMPLATE_SEND });
  const messageCount = () => s.cloud.services.db.message.count();

  it('when a body has both msg and template, or neither, then the answer is 400 naming the field and nothing is stored', async () => {
    const before = await messageCount();
    const cases: [unknown, string][] = [
      [{ recipients: { userIds: ['user001'] }, msg: text('hi'), template: { data: { title: 't', content: 'c' } } }, 'body.template'],
      [{ recipients: { userIds: ['user001'] } }, 'body.msg'],
      [{ recipients: { userIds: ['user001'] }, template: { id: 'x', data: { title: 7 } } }, 'body.template.data.title'],
      [{ recipients: { userIds: ['user001'] }, template: { id: '', data: {} } }, 'body.template.id'],
    ];
    for (const [body, field] of cases) {
      const res = await sendAs(isv.apiKey, body);
      expect(res.status).toBe(400);
      expect(ProblemSchema.parse(res.body).errors?.map((e) => e.path)).toContain(field);
    }
    expect(await messageCount()).toBe(before);
  });

  it('when a tenant whose suite requires templates sends a plain msg, then it is refused with template_required and nothing is stored or sent', async () => {
    const before = await messageCount();
    const res = await sendAs(isv.apiKey, { recipients: { userIds: ['user050'] }, msg: text('plain') });
    expect(res.status).toBe(409);
    const problem = ProblemSchema.parse(res.body);
    expect(problem.code).toBe('template_required');
    expect(problem.detail).toContain('template');
    expect(await messageCount()).toBe(before);
  });

  it('when an ISV tenant sends by its default template, then DingTalk gets sendbytemplate per chunk and receipts and recall work as for any message', async () => {
    const res = await sendAs(isv.apiKey, {
      recipients: { userIds: ['user051', 'user052', 'ghost-user'] },
      template: { data: { title: 'Leave', content: 'Approved' } },
    });
    expect(res.status).toBe(202);
    const { id } = AcceptedMessageSchema.parse(res.body);

    const accepted = (await s.waitForEvent('message.accepted', id, { token: isv.apiKey })) as EventEnvelope<'message.accepted'>;
    expect(accepted.data).toMatchObject({
      msgtype: 'template',
      msg: { msgtype: 'template', template: { id: DEMO.suite.templateId, data: { title: 'Leave', content: 'Approved' } } },
    });
    const completed = (await s.waitForEvent('message.completed', id, { token: isv.apiKey })) as EventEnvelope<'message.completed'>;
    const byUser = Object.fromEntries(completed.data.recipients.map((r) => [r.userid, r.status]));
    expect(byUser).toEqual({ user051: 'unread', user052: 'unread', 'ghost-user': 'invalid' });

    const [call] = templateCalls();
    expect(call?.body).toMatchObject({ agent_id: DEMO.suite.agentId, template_id: DEMO.suite.templateId, userid_list: 'user051,user052,ghost-user' });
    const view = MessageViewSchema.parse((await s.call('GET', `/v1/messages/${id}`, undefined, { token: isv.apiKey })).body);
    const task = await s.simTask(view.chunks[0]?.taskId ?? 0);
    expect(task.recipients.sort()).toEqual(['user051', 'user052']);

    const recalled = await s.call('DELETE', `/v1/messages/${id}`, undefined, { token: isv.apiKey });
    expect(recalled.status).toBe(200);
    expect(MessageViewSchema.parse(recalled.body).status).toBe('recalled');
    expect((await s.simTask(view.chunks[0]?.taskId ?? 0)).recalled).toBe(true);
  });

  it('when DingTalk does not know the template, then the chunk fails with its code instead of being retried', async () => {
    const res = await sendAs(isv.apiKey, { recipients: { userIds: ['user053'] }, template: { id: 'no-such-template', data: { a: 'b' } } });
    const { id } = AcceptedMessageSchema.parse(res.body);
    const completed = (await s.waitForEvent('message.completed', id, { token: isv.apiKey })) as EventEnvelope<'message.completed'>;
    expect(completed.data.status).toBe('failed');
    expect(completed.data.recipients).toEqual([expect.objectContaining({ userid: 'user053', status: 'failed', reason: expect.stringContaining('400002') })]);
  });

  it('when an internal-app tenant sends a template, or an ISV tenant without a default omits the id, then it is refused with template_required', async () => {
    const internal = await sendAs(s.tenant.apiKey, {
      recipients: { userIds: ['user054'] },
      template: { id: DEMO.suite.templateId, data: { title: 't', content: 'c' } },
    });
    expect([internal.status, ProblemSchema.parse(internal.body).code]).toEqual([409, 'template_required']);

    const cleared = await s.call('PATCH', `/admin/tenants/${isv.id}`, { messageTemplates: { defaultTemplateId: null } });
    expect(cleared.status).toBe(200);
    expect((cleared.body as { messageTemplates: unknown }).messageTemplates).toEqual({ required: true, defaultTemplateId: null });
    const noId = await sendAs(isv.apiKey, { recipients: { userIds: ['user054'] }, template: { data: { title: 't', content: 'c' } } });
    expect([noId.status, ProblemSchema.parse(noId.body).code]).toEqual([409, 'template_required']);
    expect(ProblemSchema.parse(noId.body).detail).toContain('defaultTemplateId');
  });

  it('when an operator gives an internal-app tenant template settings, then the admin API answers 400 naming messageTemplates', async () => {
    const res = await s.call('PATCH', `/admin/tenants/${s.tenant.id}`, { messageTemplates: { required: true } });
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(res.body).errors).toEqual([{ path: 'body.messageTemplates', message: expect.stringContaining('ISV') }]);
    // The same kind of refusal for an ISV tenant's callbackMode carries its reason too.
    const stream = await s.call('PATCH', `/admin/tenants/${isv.id}`, { callbackMode: 'stream' });
    expect(stream.status).toBe(400);
    expect(ProblemSchema.parse(stream.body).errors).toEqual([{ path: 'body.callbackMode', message: expect.stringContaining('SUITE_EVENT_MODE') }]);
  });
});

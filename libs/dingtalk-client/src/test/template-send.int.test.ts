import { ZodError } from 'zod';
import type { DingTalkClient } from '../index';
import { DEMO, eachSimClient, internalApp, isvInstall, type SimHarness } from './sim-harness';
import { apiRejection, rejection } from './rejections';

let sim: SimHarness;
let client: DingTalkClient;
eachSimClient((s, c) => ([sim, client] = [s, c]));

const TEMPLATE_SEND = '/topapi/message/corpconversation/sendbytemplate';
const suiteTemplates = (body: object) => sim.control('PUT', `/suites/${DEMO.suite.suiteKey}/templates`, body);

interface SimTask {
  msgtype: string;
  msg: { markdown?: { title: string; text: string } };
  template: { templateId: string; data: Record<string, string> } | null;
}
interface InboxEntry {
  taskId: number;
  msg: { markdown?: { title: string; text: string } };
}

describe('template sends (sendbytemplate) against the simulator', () => {
  it('when an ISV install sends by template, then recipients get the template filled with the data and receipts work as for asyncsend_v2', async () => {
    const messages = client.forOrg(isvInstall).messages;
    const taskId = await messages.sendByTemplate({
      templateId: DEMO.suite.templateId,
      userIds: ['user040', 'ghost-user'],
      data: { title: 'Leave', content: 'Approved' },
    });

    const [entry] = await sim.requests(TEMPLATE_SEND);
    expect(entry?.body).toMatchObject({ agent_id: DEMO.suite.agentId, template_id: DEMO.suite.templateId, userid_list: 'user040,ghost-user' });
    // DingTalk takes `data` as a JSON string (§4.6).
    expect(JSON.parse(String((entry?.body as Record<string, unknown>)['data']))).toEqual({ title: 'Leave', content: 'Approved' });
    const task = await sim.control<SimTask>('GET', `/tasks/${taskId}`);
    expect(task.template).toEqual({ templateId: DEMO.suite.templateId, data: { title: 'Leave', content: 'Approved' } });

    await sim.advanceClock(10_000);
    expect(await messages.getSendProgress(taskId)).toEqual({ progress_in_percent: 100, status: 2 });
    const result = await messages.getSendResult(taskId);
    expect(result.invalid_user_id_list).toEqual(['ghost-user']);
    expect([...result.read_user_id_list, ...result.unread_user_id_list]).toEqual(['user040']);
    const inbox = await sim.control<InboxEntry[]>('GET', `/inbox/user040?corpId=${DEMO.corpId}`);
    expect(inbox.find((e) => e.taskId === taskId)?.msg.markdown).toEqual({ title: 'Leave', text: 'Approved' });
    await messages.recall(taskId);
  });

  it('when the template id is unknown or a placeholder has no data, then DingTalk refuses it as a bad request and no task exists', async () => {
    const messages = client.forOrg(isvInstall).messages;
    const unknown = await apiRejection(messages.sendByTemplate({ templateId: 'no-such-template', userIds: ['user041'], data: {} }));
    expect(unknown).toMatchObject({ errcode: 400002, kind: 'fail-bad-request', outcome: 'rejected' });
    expect(unknown.errmsg).toContain('template_id');
    const missing = await apiRejection(messages.sendByTemplate({ templateId: DEMO.suite.templateId, userIds: ['user041'], data: { title: 'only a title' } }));
    expect(missing).toMatchObject({ errcode: 400002, kind: 'fail-bad-request' });
    expect(missing.errmsg).toContain('missing template keys: content');
    expect(await sim.control<unknown[]>('GET', '/tasks')).toEqual([]);
  });

  it('when the suite was created after 2020-11-27, then asyncsend_v2 is refused as a missing permission and sendbytemplate still sends', async () => {
    await suiteTemplates({ requiresTemplate: true, templates: [{ templateId: 'leave', title: 'Leave ${state}', content: '${who} is away' }] });
    const messages = client.forOrg(isvInstall).messages;
    const refused = await apiRejection(messages.send({ userIds: ['user042'], msg: { msgtype: 'text', text: { content: 'plain' } } }));
    expect(refused).toMatchObject({ errcode: 88, subCode: '60011', kind: 'fail-config' });
    expect(refused.subMsg).toContain('sendbytemplate');

    const taskId = await messages.sendByTemplate({ templateId: 'leave', userIds: ['user042'], data: { state: 'approved', who: 'Ann' } });
    const task = await sim.control<SimTask>('GET', `/tasks/${taskId}`);
    expect(task.msg.markdown).toEqual({ title: 'Leave approved', text: 'Ann is away' });
    // The demo template was replaced: the list is the suite's whole configuration.
    expect(
      await apiRejection(messages.sendByTemplate({ templateId: DEMO.suite.templateId, userIds: ['user042'], data: { title: 't', content: 'c' } })),
    ).toMatchObject({
      errcode: 400002,
    });
    // The internal app is not a suite: its plain sends are untouched.
    await expect(client.forOrg(internalApp).messages.send({ userIds: ['user042'], msg: { msgtype: 'text', text: { content: 'internal' } } })).resolves.toEqual(
      expect.any(Number),
    );
  });

  it('when an internal app calls sendbytemplate, then DingTalk refuses it (templates are for ISV apps)', async () => {
    const err = await apiRejection(
      client.forOrg(internalApp).messages.sendByTemplate({ templateId: DEMO.suite.templateId, userIds: ['user043'], data: { title: 't', content: 'c' } }),
    );
    expect(err).toMatchObject({ errcode: 88, subCode: '60011' });
  });

  it('when a template send meets a 5xx answer or system busy, then it is not retried and the outcome is unknown (like asyncsend_v2)', async () => {
    const messages = client.forOrg(isvInstall).messages;
    const send = () => messages.sendByTemplate({ templateId: DEMO.suite.templateId, userIds: ['user044'], data: { title: 't', content: 'maybe sent' } });
    await sim.faults([{ path: TEMPLATE_SEND, kind: '5xx', times: 1 }]);
    expect(await rejection(send())).toMatchObject({ kind: 'retry-backoff', outcome: 'unknown' });
    await sim.faults([{ path: TEMPLATE_SEND, kind: 'busy', times: 1 }]);
    expect(await rejection(send())).toMatchObject({ errcode: -1, outcome: 'unknown' });
    expect(await sim.requests(TEMPLATE_SEND)).toHaveLength(2);
  });

  it('when a template send has no recipients, then the client refuses it before any call', async () => {
    const err = await rejection(client.forOrg(isvInstall).messages.sendByTemplate({ templateId: DEMO.suite.templateId, data: {} }));
    expect(err).toBeInstanceOf(ZodError);
    expect(await sim.requests(TEMPLATE_SEND)).toEqual([]);
  });
});

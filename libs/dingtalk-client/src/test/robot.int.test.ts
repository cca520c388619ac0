import { ZodError } from 'zod';
import { robotMessageOf, type DingTalkClient } from '../index';
import { DEMO, eachSimClient, internalApp, isvInstall, type SimHarness } from './sim-harness';
import { apiRejection, rejection } from './rejections';

let sim: SimHarness;
let client: DingTalkClient;
eachSimClient((s, c) => ([sim, client] = [s, c]));

const robot = () => client.forOrg(internalApp).robot;
const robotCode = DEMO.app.appKey;
const text = (content: string) => ({ msgKey: 'sampleText', msgParam: { content } });

interface SimTask {
  taskId: number;
  channel: string;
  processQueryKey: string | null;
}

describe('robot 1:1 messages against the simulator', () => {
  it('sends on the new host with the header token and reports unknown userids at once', async () => {
    const result = await robot().batchSend({ robotCode, userIds: ['user020', 'ghost-user'], ...text('hello from the robot') });
    expect(result.invalidStaffIdList).toEqual(['ghost-user']);
    expect(result.flowControlledStaffIdList).toEqual([]);
    const [entry] = await sim.requests('/v1.0/robot/oToMessages/batchSend');
    expect(entry?.body).toEqual({
      robotCode,
      userIds: ['user020', 'ghost-user'],
      msgKey: 'sampleText',
      msgParam: JSON.stringify({ content: 'hello from the robot' }),
    });
    const tasks = await sim.control<SimTask[]>('GET', '/tasks');
    expect(tasks).toEqual([expect.objectContaining({ channel: 'robot', processQueryKey: result.processQueryKey })]);
  });

  it('reads RUNNING until the send completes, then READ/UNREAD per recipient, changing when someone reads', async () => {
    await sim.control('PATCH', '/config', { readPercent: 0 });
    const { processQueryKey } = await robot().batchSend({ robotCode, userIds: ['user021', 'user022'], ...text('read me') });
    expect(await robot().readStatus(robotCode, processQueryKey)).toEqual({ sendStatus: 'RUNNING', messageReadInfoList: [] });
    await sim.advanceClock(10_000);
    const done = await robot().readStatus(robotCode, processQueryKey);
    expect(done.sendStatus).toBe('SUCCESS');
    expect(done.messageReadInfoList.map((r) => [r.userId, r.readStatus])).toEqual([
      ['user021', 'UNREAD'],
      ['user022', 'UNREAD'],
    ]);
    const [task] = await sim.control<SimTask[]>('GET', '/tasks');
    await sim.control('POST', `/tasks/${task?.taskId}/read`, { userids: ['user022'] });
    const later = await robot().readStatus(robotCode, processQueryKey);
    expect(later.messageReadInfoList.find((r) => r.userId === 'user022')).toMatchObject({ readStatus: 'READ', readTimestamp: expect.any(Number) });
  });

  it('reports configured flow-controlled userids in flowControlledStaffIdList', async () => {
    await sim.control('PATCH', '/config', { robotFlowControlledUserids: ['user023'] });
    const result = await robot().batchSend({ robotCode, userIds: ['user023', 'user024'], ...text('busy day') });
    expect(result.flowControlledStaffIdList).toEqual(['user023']);
  });

  it('recalls by processQueryKey and reports unknown keys in failedResult', async () => {
    const { processQueryKey } = await robot().batchSend({ robotCode, userIds: ['user025'], ...text('to recall') });
    const result = await robot().batchRecall(robotCode, [processQueryKey, 'no-such-key']);
    expect(result.successResult).toEqual([processQueryKey]);
    expect(Object.keys(result.failedResult)).toEqual(['no-such-key']);
  });

  it('refuses another app’s robotCode, an unknown msgKey and a missing msgParam field as bad requests', async () => {
    const wrongRobot = await apiRejection(robot().batchSend({ robotCode: 'not-my-robot', userIds: ['user020'], ...text('x') }));
    expect(wrongRobot).toMatchObject({ httpStatus: 400, kind: 'fail-bad-request' });
    const noTemplate = await apiRejection(robot().batchSend({ robotCode, userIds: ['user020'], msgKey: 'sampleHologram', msgParam: { a: 'b' } }));
    expect(noTemplate).toMatchObject({ httpStatus: 400, code: 'template.not.existed', kind: 'fail-bad-request' });
    const missingField = await apiRejection(robot().batchSend({ robotCode, userIds: ['user020'], msgKey: 'sampleMarkdown', msgParam: { title: 't' } }));
    expect(missingField).toMatchObject({ httpStatus: 400, kind: 'fail-bad-request' });
  });

  it('refuses more than 20 userids before any I/O (the documented per-call limit)', async () => {
    const userIds = Array.from({ length: 21 }, (_, i) => `user${String(i).padStart(3, '0')}`);
    expect(await rejection(robot().batchSend({ robotCode, userIds, ...text('too many') }))).toBeInstanceOf(ZodError);
    expect(await sim.requests('/v1.0/robot')).toEqual([]);
    // The simulator holds the same line for clients that do not check.
    const response = await fetch(`${sim.url}/v1.0/robot/oToMessages/batchSend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': await client.forOrg(internalApp).accessToken() },
      body: JSON.stringify({ robotCode, userIds, msgKey: 'sampleText', msgParam: JSON.stringify({ content: 'too many' }) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalidParameter', message: expect.stringContaining('20') });
  });

  it('classifies a missing permission as a configuration failure (403)', async () => {
    await sim.control('PUT', `/access/apps/${DEMO.app.appKey}`, { deniedPermissions: ['qyapi_robot_sendmsg'] });
    const err = await apiRejection(robot().batchSend({ robotCode, userIds: ['user020'], ...text('no permission') }));
    expect(err).toMatchObject({ httpStatus: 403, code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied', kind: 'fail-config' });
  });

  it('an ISV install drives its suite’s robot', async () => {
    const result = await client.forOrg(isvInstall).robot.batchSend({ robotCode: DEMO.suite.suiteKey, userIds: ['user026'], ...text('from the suite') });
    expect(result.processQueryKey).toEqual(expect.any(String));
  });

  it('maps work-notification messages to robot templates, and says which have none', () => {
    expect(robotMessageOf({ msgtype: 'markdown', markdown: { title: 'T', text: '**x**' } })).toEqual({
      msgKey: 'sampleMarkdown',
      msgParam: { title: 'T', text: '**x**' },
    });
    const card = robotMessageOf({
      msgtype: 'action_card',
      action_card: { markdown: 'm', btn_orientation: '0', btn_json_list: [1, 2, 3].map((i) => ({ title: `b${i}`, action_url: `https://x/${i}` })) },
    });
    expect(card).toMatchObject({ msgKey: 'sampleActionCard3', msgParam: { actionTitle3: 'b3', actionURL3: 'https://x/3' } });
    expect(robotMessageOf({ msgtype: 'oa', oa: { message_url: 'https://x', head: { bgcolor: 'FFBBBBBB', text: 'h' }, body: { title: 't' } } })).toHaveProperty(
      'unsupported',
    );
  });
});

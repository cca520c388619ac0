import { randomBytes } from 'node:crypto';
import { invalidParam, missingParam, SimError } from '../core/sim-error';
import type { World } from '../world';
import type { NotificationTask, Sender } from '../messages/task.model';
import { taskStatus } from '../messages/task-query.service';
import { ROBOT_TEMPLATES } from './robot-templates';

export interface RobotSendInput {
  robotCode: string;
  userIds: unknown;
  msgKey: string;
  msgParam: string;
}

/**
 * The robot an org token may drive: an internal app's robot code is its AppKey (DingTalk's
 * default for an app's robot); an ISV install's is its SuiteKey.
 */
export function requireRobot(sender: Sender, robotCode: string): void {
  const own = sender.isv ? sender.key.slice(0, sender.key.indexOf(':')) : sender.key;
  if (robotCode !== own) throw new SimError('robot_not_found', `robotCode ${robotCode} is not this app's robot`);
}

function parseUserIds(raw: unknown, max: number): string[] {
  if (raw === undefined || raw === null) throw missingParam('userIds');
  if (!Array.isArray(raw) || raw.some((u) => typeof u !== 'string' || u === '')) throw invalidParam('userIds', 'expected an array of userids');
  const userIds = [...new Set(raw as string[])];
  if (userIds.length === 0) throw missingParam('userIds');
  if (userIds.length > max) throw invalidParam('userIds', `at most ${max} userIds per call`);
  return userIds;
}

function parseMsgParam(msgKey: string, raw: string): Record<string, unknown> {
  const template = ROBOT_TEMPLATES[msgKey];
  if (!template) throw new SimError('robot_template_not_found', `msgKey ${msgKey} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParam('msgParam', 'not a JSON string');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidParam('msgParam', 'expected a JSON object');
  const params = parsed as Record<string, unknown>;
  for (const field of template.fields) {
    if (typeof params[field] !== 'string' || params[field] === '') throw invalidParam('msgParam', `${msgKey} needs ${field}`);
  }
  return params;
}

/**
 * batchSend: unknown userids and flow-controlled ones are answered at once and get nothing; the
 * rest are delivered on the same sim-time lifecycle as a work notification (read marks decided
 * when it completes, or through /_sim/tasks/:id/read).
 */
export function robotBatchSend(world: World, sender: Sender, input: RobotSendInput) {
  const { config, orgs, clock } = world;
  requireRobot(sender, input.robotCode);
  const userIds = parseUserIds(input.userIds, config.robotMaxUserIds);
  const msgParam = parseMsgParam(input.msgKey, input.msgParam);
  const now = clock.now();
  const invalid = userIds.filter((u) => !orgs.member(sender.corpId, u));
  const flowControlled: string[] = [];
  const delivered: string[] = [];
  for (const userid of userIds.filter((u) => orgs.member(sender.corpId, u))) {
    if (config.robotFlowControlledUserids.includes(userid) || !world.robotMinute.admit(sender.key, now, config.robotRecipientsPerMinute))
      flowControlled.push(userid);
    else delivered.push(userid);
  }
  const processQueryKey = randomBytes(24).toString('base64');
  const template = ROBOT_TEMPLATES[input.msgKey];
  const task: NotificationTask = {
    taskId: world.tasks.nextTaskId(),
    robot: { processQueryKey, robotCode: input.robotCode, msgKey: input.msgKey, msgParam },
    sender,
    createdAtMs: now,
    runningAtMs: now + config.taskRunningAfterMs,
    doneAtMs: now + Math.max(config.taskDoneAfterMs, config.taskRunningAfterMs),
    msgtype: template?.shownAs ?? 'text',
    msg: { msgKey: input.msgKey, msgParam },
    request: { userids: userIds, toAllUser: false },
    recipients: [...delivered, ...flowControlled],
    invalidUserids: invalid,
    invalidDeptIds: [],
    forbidden: flowControlled.map((userid) => ({ code: 'flow_controlled', count: config.robotRecipientsPerMinute, userid })),
    failed: [],
    delivered,
    read: new Set(),
    completed: false,
  };
  world.tasks.add(task);
  return { processQueryKey, invalidStaffIdList: invalid, flowControlledStaffIdList: flowControlled };
}

function ownRobotTask(world: World, sender: Sender, robotCode: string, processQueryKey: string): NotificationTask | undefined {
  requireRobot(sender, robotCode);
  const task = world.tasks.byQueryKey(processQueryKey);
  return task && task.sender.key === sender.key ? task : undefined;
}

/**
 * readStatus: `RUNNING` until the send completes ([UNVERIFIED] value; DingTalk documents only
 * SUCCESS), then one entry per delivered recipient with READ/UNREAD and when it was read.
 */
export function robotReadStatus(world: World, sender: Sender, robotCode: string, processQueryKey: string) {
  const task = ownRobotTask(world, sender, robotCode, processQueryKey);
  if (!task || world.clock.now() - task.createdAtMs > world.config.taskQueryWindowMs) {
    throw new SimError('robot_query_key_not_found', `processQueryKey ${processQueryKey} not found`);
  }
  if (taskStatus(task, world.clock.now()).status !== 2 || !task.completed) return { sendStatus: 'RUNNING', messageReadInfoList: [] };
  return {
    sendStatus: 'SUCCESS',
    messageReadInfoList: task.delivered.map((userId) => ({
      name: world.orgs.member(task.sender.corpId, userId)?.name ?? '',
      userId,
      readStatus: task.read.has(userId) ? 'READ' : 'UNREAD',
      ...(task.read.has(userId) ? { readTimestamp: task.doneAtMs } : {}),
    })),
  };
}

/** batchRecall: each key recalled, or in failedResult with why (unknown, another robot's, too old). */
export function robotBatchRecall(world: World, sender: Sender, robotCode: string, keys: unknown) {
  requireRobot(sender, robotCode);
  if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => typeof k !== 'string'))
    throw invalidParam('processQueryKeys', 'expected a non-empty array of strings');
  const successResult: string[] = [];
  const failedResult: Record<string, string> = {};
  const now = world.clock.now();
  for (const key of keys as string[]) {
    const task = ownRobotTask(world, sender, robotCode, key);
    if (!task) failedResult[key] = 'message not found';
    else if (now - task.createdAtMs > world.config.recallWindowMs) failedResult[key] = 'message is too old to recall';
    else {
      if (task.recalledAtMs === undefined) world.tasks.recall(task, now);
      successResult.push(key);
    }
  }
  return { successResult, failedResult };
}

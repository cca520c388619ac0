import { createHash } from 'node:crypto';
import { invalidParam, missingParam, SimError } from '../core/sim-error';
import type { World } from '../world';
import { validateMsg } from './msg-validation';
import type { NotificationTask, Sender } from './task.model';

export interface SendInput {
  agentId: number;
  userids?: string;
  deptIds?: string;
  toAllUser?: boolean;
  msg: Record<string, unknown>;
  msgWireBytes: number;
  /** Set by sendbytemplate: the template and data the message was rendered from. */
  template?: { templateId: string; data: Record<string, string> };
  /** sendbytemplate's caps instead of asyncsend_v2's configured ones. */
  recipientCaps?: { userids: number; depts: number };
}

function splitList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

function parseDeptIds(value: string): number[] {
  return splitList(value).map((s) => {
    if (!/^\d{1,16}$/.test(s)) throw invalidParam('dept_id_list', `"${s}" is not a department id`);
    return Number(s);
  });
}

export function requireAgent(sender: Sender, agentId: number): void {
  if (agentId !== sender.agentId) throw new SimError('invalid_agent', `agent_id ${agentId} does not belong to this app`);
}

/** asyncsend_v2: validate, expand recipients, apply flow control, and create the async task. */
export function sendNotification(world: World, sender: Sender, input: SendInput): NotificationTask {
  const { config, orgs, clock } = world;
  requireAgent(sender, input.agentId);
  const userids = input.userids !== undefined ? splitList(input.userids) : undefined;
  const deptIds = input.deptIds !== undefined ? parseDeptIds(input.deptIds) : undefined;
  const toAllUser = input.toAllUser === true;
  // The docs require at least one recipient kind, not exactly one: userid_list and dept_id_list
  // together reach their union (de-duplicated); to_all_user reaches everyone.
  if (!userids?.length && !deptIds?.length && !toAllUser) throw missingParam('userid_list');
  if (toAllUser && sender.isv) throw new SimError('isv_to_all_user', 'to_all_user is not available to third-party (ISV) apps; use userid_list or dept_id_list');
  const caps = input.recipientCaps ?? { userids: config.maxUseridsPerSend, depts: config.maxDeptsPerSend };
  if (userids && userids.length > caps.userids) throw invalidParam('userid_list', `at most ${caps.userids} userids`);
  if (deptIds && deptIds.length > caps.depts) throw invalidParam('dept_id_list', `at most ${caps.depts} departments`);
  const msgtype = validateMsg(input.msg, input.msgWireBytes, config.msgMaxBytes);
  if (msgtype === 'image' || msgtype === 'file' || msgtype === 'voice') {
    const mediaId = (input.msg[msgtype] as Record<string, unknown>)['media_id'] as string;
    if (!world.media.ownedBy(mediaId, sender.key)) throw new SimError('invalid_media_id', `media_id ${mediaId} was not uploaded by this app`);
  }
  if (
    msgtype === 'oa' &&
    input.msg['oa'] &&
    (input.msg['oa'] as Record<string, unknown>)['status_bar'] !== undefined &&
    !(userids && userids.length <= 5 && !deptIds?.length && !toAllUser)
  ) {
    throw invalidParam('msg.oa.status_bar', 'only for userid_list recipients, at most 5');
  }

  const corpId = sender.corpId;
  const invalidUserids = (userids ?? []).filter((u) => !orgs.member(corpId, u));
  const invalidDeptIds = (deptIds ?? []).filter((d) => !orgs.department(corpId, d));
  let recipients: string[];
  if (toAllUser)
    recipients = orgs
      .members(corpId)
      .map((m) => m.userid)
      .sort();
  else {
    const depts = new Set((deptIds ?? []).filter((d) => orgs.department(corpId, d)).flatMap((d) => orgs.subtree(corpId, d)));
    const fromDepts = orgs
      .members(corpId)
      .filter((m) => m.deptIds.some((d) => depts.has(d)))
      .map((m) => m.userid)
      .sort();
    const direct = (userids ?? []).filter((u) => orgs.member(corpId, u));
    recipients = [...new Set([...direct, ...fromDepts])];
  }

  const now = clock.now();
  const contentHash = createHash('sha1').update(JSON.stringify(input.msg)).digest('hex');
  const settings = { dailyCap: sender.isv ? config.dailyCapIsv : config.dailyCapInternal, recipientsPerMinute: config.recipientsPerMinute };
  const task: NotificationTask = {
    taskId: world.tasks.nextTaskId(),
    sender,
    createdAtMs: now,
    runningAtMs: now + config.taskRunningAfterMs,
    doneAtMs: now + Math.max(config.taskDoneAfterMs, config.taskRunningAfterMs),
    msgtype,
    msg: input.msg,
    ...(input.template ? { template: input.template } : {}),
    request: { ...(userids ? { userids } : {}), ...(deptIds ? { deptIds } : {}), toAllUser },
    recipients,
    invalidUserids,
    invalidDeptIds,
    forbidden: [],
    failed: [],
    delivered: [],
    read: new Set(),
    completed: false,
  };
  for (const userid of recipients) {
    if (config.failUserids.includes(userid)) {
      task.failed.push(userid);
      continue;
    }
    const forbidden = world.limits.admit(sender, userid, contentHash, now, settings);
    if (forbidden) task.forbidden.push(forbidden);
    else task.delivered.push(userid);
  }
  world.tasks.add(task);
  return task;
}

import { invalidParam, SimError } from '../core/sim-error';
import type { World } from '../world';
import { requireAgent } from './notification.service';
import type { NotificationTask, Sender } from './task.model';

export function taskStatus(task: NotificationTask, nowMs: number): { status: 0 | 1 | 2; percent: number } {
  if (nowMs >= task.doneAtMs) return { status: 2, percent: 100 };
  if (nowMs < task.runningAtMs) return { status: 0, percent: 0 };
  const span = Math.max(1, task.doneAtMs - task.createdAtMs);
  return { status: 1, percent: Math.min(99, Math.max(1, Math.floor(((nowMs - task.createdAtMs) / span) * 100))) };
}

/** A task the sender may query: its own, with its own agent_id, not older than the window. */
function ownTask(world: World, sender: Sender, agentId: number, taskId: number, windowMs: number): NotificationTask {
  requireAgent(sender, agentId);
  const task = world.tasks.get(taskId);
  if (!task || task.robot || task.sender.key !== sender.key) throw new SimError('task_not_found', `task ${taskId} not found`);
  if (world.clock.now() - task.createdAtMs > windowMs) throw new SimError('task_not_found', `task ${taskId} is older than the query window`);
  return task;
}

export function sendProgress(world: World, sender: Sender, agentId: number, taskId: number) {
  const task = ownTask(world, sender, agentId, taskId, world.config.taskQueryWindowMs);
  const { status, percent } = taskStatus(task, world.clock.now());
  return { progress_in_percent: percent, status };
}

export function sendResult(world: World, sender: Sender, agentId: number, taskId: number) {
  const task = ownTask(world, sender, agentId, taskId, world.config.taskQueryWindowMs);
  const addressed = task.recipients.length + task.invalidUserids.length;
  if (addressed > world.config.resultMaxRecipients) {
    throw new SimError('too_many_recipients', `no result for tasks with more than ${world.config.resultMaxRecipients} recipients`);
  }
  // Delivery outcomes (read/unread/failed) exist only once the task has run.
  return {
    invalid_user_id_list: task.invalidUserids,
    forbidden_user_id_list: task.forbidden.map((f) => f.userid),
    failed_user_id_list: task.completed ? task.failed : [],
    read_user_id_list: task.completed ? task.delivered.filter((u) => task.read.has(u)) : [],
    unread_user_id_list: task.completed ? task.delivered.filter((u) => !task.read.has(u)) : [],
    invalid_dept_id_list: task.invalidDeptIds,
    forbidden_list: task.forbidden,
  };
}

export function recallTask(world: World, sender: Sender, agentId: number, taskId: number): void {
  const task = ownTaskOr400002(world, sender, agentId, taskId, world.config.recallWindowMs);
  world.tasks.recall(task, world.clock.now());
}

export function updateStatusBar(world: World, sender: Sender, agentId: number, taskId: number, statusValue: string, statusBg?: string): void {
  const task = ownTask(world, sender, agentId, taskId, world.config.statusBarWindowMs);
  if (task.msgtype !== 'oa') throw invalidParam('task_id', 'the status bar exists only on oa messages');
  if (statusBg !== undefined && !/^0x[0-9A-Fa-f]{8}$/.test(statusBg)) throw invalidParam('status_bg', 'format 0xFF followed by 6 hex digits');
  task.statusBar = { statusValue, ...(statusBg !== undefined ? { statusBg } : {}) };
}

// Recall documents 400002 (not 40035) for a bad agent or task.
function ownTaskOr400002(world: World, sender: Sender, agentId: number, taskId: number, windowMs: number): NotificationTask {
  try {
    return ownTask(world, sender, agentId, taskId, windowMs);
  } catch (err) {
    if (err instanceof SimError) throw invalidParam('msg_task_id', err.message);
    throw err;
  }
}

import type { MsgType } from './msg-validation';

export interface Sender {
  /** appKey, or `suiteKey:corpId` for an ISV install — limits are per app per org. */
  key: string;
  corpId: string;
  agentId: number;
  isv: boolean;
  /** The suite of an ISV install (template settings are per suite). */
  suiteKey?: string;
}

export interface ForbiddenEntry {
  code: string;
  count: number;
  userid: string;
}

/** Set on a robot 1:1 batch send (dingtalk-api.md §4.8), which shares the task lifecycle. */
export interface RobotSend {
  processQueryKey: string;
  robotCode: string;
  msgKey: string;
  msgParam: Record<string, unknown>;
}

export interface NotificationTask {
  taskId: number;
  /** Robot sends are not work notifications: the corpconversation APIs do not see them. */
  robot?: RobotSend;
  sender: Sender;
  createdAtMs: number;
  runningAtMs: number;
  doneAtMs: number;
  msgtype: MsgType;
  msg: Record<string, unknown>;
  /** sendbytemplate: the template id and data `msg` was rendered from. */
  template?: { templateId: string; data: Record<string, string> };
  request: { userids?: string[]; deptIds?: number[]; toAllUser: boolean };
  /** Known org members the task addressed (after department expansion, de-duplicated). */
  recipients: string[];
  invalidUserids: string[];
  invalidDeptIds: number[];
  forbidden: ForbiddenEntry[];
  failed: string[];
  delivered: string[];
  read: Set<string>;
  completed: boolean;
  recalledAtMs?: number;
  statusBar?: { statusValue: string; statusBg?: string };
}

export interface InboxEntry {
  taskId: number;
  corpId: string;
  userid: string;
  agentId: number;
  sender: string;
  msgtype: MsgType;
  msg: Record<string, unknown>;
  deliveredAtMs: number;
  read: boolean;
  recalled: boolean;
}

/** Control-plane view of a task (JSON-safe). */
export function describeTask(task: NotificationTask, status: number) {
  return {
    taskId: task.taskId,
    channel: task.robot ? 'robot' : 'work_notification',
    processQueryKey: task.robot?.processQueryKey ?? null,
    sender: task.sender,
    createdAtMs: task.createdAtMs,
    status,
    msgtype: task.msgtype,
    msg: task.msg,
    template: task.template ?? null,
    request: task.request,
    recipients: task.recipients,
    results: {
      invalid: task.invalidUserids,
      invalidDepts: task.invalidDeptIds,
      forbidden: task.forbidden,
      failed: task.failed,
      delivered: task.delivered,
      read: [...task.read].sort(),
      unread: task.completed ? task.delivered.filter((u) => !task.read.has(u)) : [],
    },
    completed: task.completed,
    recalled: task.recalledAtMs !== undefined,
    statusBar: task.statusBar ?? null,
  };
}

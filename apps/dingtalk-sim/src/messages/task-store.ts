import { createHash } from 'node:crypto';
import type { InboxEntry, NotificationTask } from './task.model';

const FIRST_TASK_ID = 256_271_667_000;

/**
 * Work-notification tasks and per-user inboxes. Tasks complete lazily: `settle(now)` finalises
 * every task whose done time has passed (read marks decided, inbox filled), so the outcome only
 * depends on sim time, never on when someone happened to look.
 */
export class TaskStore {
  private readonly tasks = new Map<number, NotificationTask>();
  private readonly byProcessQueryKey = new Map<string, NotificationTask>();
  private pending: NotificationTask[] = [];
  private readonly inboxes = new Map<string, InboxEntry[]>();
  private nextId = FIRST_TASK_ID;

  constructor(private readonly readPercent: () => number) {}

  nextTaskId(): number {
    return ++this.nextId;
  }

  add(task: NotificationTask): void {
    this.tasks.set(task.taskId, task);
    if (task.robot) this.byProcessQueryKey.set(task.robot.processQueryKey, task);
    this.pending.push(task);
  }

  /** A robot batch send by the key its answer carried. */
  byQueryKey(processQueryKey: string): NotificationTask | undefined {
    return this.byProcessQueryKey.get(processQueryKey);
  }

  get(taskId: number): NotificationTask | undefined {
    return this.tasks.get(taskId);
  }

  all(): NotificationTask[] {
    return [...this.tasks.values()];
  }

  settle(nowMs: number): void {
    if (this.pending.length === 0) return;
    const due = this.pending.filter((t) => t.doneAtMs <= nowMs);
    if (due.length === 0) return;
    this.pending = this.pending.filter((t) => t.doneAtMs > nowMs);
    for (const task of due) this.complete(task);
  }

  markRead(task: NotificationTask, userids: string[]): string[] {
    const marked = userids.filter((u) => task.delivered.includes(u));
    for (const userid of marked) {
      task.read.add(userid);
      const entry = this.inbox(task.sender.corpId, userid).find((e) => e.taskId === task.taskId);
      if (entry) entry.read = true;
    }
    return marked;
  }

  recall(task: NotificationTask, nowMs: number): void {
    task.recalledAtMs = nowMs;
    for (const userid of task.delivered) {
      const entry = this.inbox(task.sender.corpId, userid).find((e) => e.taskId === task.taskId);
      if (entry) entry.recalled = true;
    }
  }

  inbox(corpId: string, userid: string): InboxEntry[] {
    const key = `${corpId}|${userid}`;
    let entries = this.inboxes.get(key);
    if (!entries) {
      entries = [];
      this.inboxes.set(key, entries);
    }
    return entries;
  }

  /** Inbox entries for a userid across every org (userids are only unique per org). */
  inboxAcrossOrgs(userid: string, corpId?: string): InboxEntry[] {
    return [...this.inboxes.entries()]
      .filter(([key]) => key.endsWith(`|${userid}`) && (corpId === undefined || key === `${corpId}|${userid}`))
      .flatMap(([, entries]) => entries)
      .sort((a, b) => a.deliveredAtMs - b.deliveredAtMs || a.taskId - b.taskId);
  }

  private complete(task: NotificationTask): void {
    task.completed = true;
    const percent = this.readPercent();
    for (const userid of task.delivered) {
      const read = readsByDefault(task.taskId, userid, percent) || task.read.has(userid);
      if (read) task.read.add(userid);
      this.inbox(task.sender.corpId, userid).push({
        taskId: task.taskId,
        corpId: task.sender.corpId,
        userid,
        agentId: task.sender.agentId,
        sender: task.sender.key,
        msgtype: task.msgtype,
        msg: task.msg,
        deliveredAtMs: task.doneAtMs,
        read,
        recalled: task.recalledAtMs !== undefined,
      });
    }
  }
}

/** Deterministic "did this person read it": hash(taskId + userid) % 100 < readPercent. */
export function readsByDefault(taskId: number, userid: string, readPercent: number): boolean {
  const digest = createHash('sha1').update(`${taskId}${userid}`).digest();
  return digest.readUInt32BE(0) % 100 < readPercent;
}

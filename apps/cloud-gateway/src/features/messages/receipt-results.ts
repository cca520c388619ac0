// DingTalk's getsendresult lists → one final status per recipient of a chunk.
import type { RecipientStatus } from '@dtg/contracts';
import type { SendResult } from '@dtg/dingtalk-client';

export interface RecipientOutcome {
  userid: string;
  status: RecipientStatus;
  /** For `forbidden`: DingTalk's flow-control code (143105 daily cap, 143106 duplicate content, …). */
  reason?: string;
}

/**
 * Every userid of the chunk gets exactly one outcome. A userid in several lists keeps the first of
 * invalid → forbidden → failed → read → unread; one DingTalk does not list at all stays `unknown`.
 */
export function recipientOutcomes(userids: string[], result: SendResult): RecipientOutcome[] {
  const decided = new Map<string, RecipientOutcome>();
  const put = (userid: string, status: RecipientStatus, reason?: string) => {
    if (!decided.has(userid)) decided.set(userid, { userid, status, ...(reason ? { reason } : {}) });
  };
  for (const u of result.invalid_user_id_list) put(u, 'invalid');
  for (const f of result.forbidden_list) put(f.userid, 'forbidden', f.code);
  for (const u of result.forbidden_user_id_list) put(u, 'forbidden');
  for (const u of result.failed_user_id_list) put(u, 'failed');
  for (const u of result.read_user_id_list) put(u, 'read');
  for (const u of result.unread_user_id_list) put(u, 'unread');
  return userids.map((userid) => decided.get(userid) ?? { userid, status: 'unknown', reason: 'not_in_send_result' });
}

/** Every userid DingTalk reports for a task, whatever its outcome: who the task was addressed to. */
export function addressedUserids(result: SendResult): Set<string> {
  return new Set([
    ...result.invalid_user_id_list,
    ...result.forbidden_user_id_list,
    ...result.forbidden_list.map((f) => f.userid),
    ...result.failed_user_id_list,
    ...result.read_user_id_list,
    ...result.unread_user_id_list,
  ]);
}

/** Groups outcomes by (status, reason) for bulk updates. */
export function groupOutcomes(outcomes: RecipientOutcome[]): { status: RecipientStatus; reason?: string; userids: string[] }[] {
  const groups = new Map<string, { status: RecipientStatus; reason?: string; userids: string[] }>();
  for (const o of outcomes) {
    const key = `${o.status}|${o.reason ?? ''}`;
    const group = groups.get(key) ?? { status: o.status, ...(o.reason ? { reason: o.reason } : {}), userids: [] };
    group.userids.push(o.userid);
    groups.set(key, group);
  }
  return [...groups.values()];
}

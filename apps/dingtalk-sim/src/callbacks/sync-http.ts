// SyncHTTP pushes (dingtalk-api.md §6.4; the "数据格式" page): an encrypted `{EventType:
// SYNC_HTTP_PUSH_HIGH|MEDIUM, bizData: [rows]}` to the suite URL, each row the latest state of one
// (corp, biz_type, biz_id). biz_data is a JSON string, as §6.4 and the data-format page give it
// ([CONFLICT] the per-event pages print it as an object; the cloud accepts both).
import { getDepartment } from '../org/directory.service';
import { userDetail } from '../org/user-view';
import type { Suite } from '../fixture/fixture.schema';
import type { World } from '../world';

export interface SyncRow {
  bizType: number;
  bizId: string;
  bizData: object;
}

export interface ContactChange {
  eventType: string;
  userIds?: string[];
  deptIds?: number[];
}

/** biz_type 2 ticket and 4 authorisation are high priority; contacts (13, 14) medium. */
export function syncHttpPush(suiteId: number, corpId: string, rows: SyncRow[], nowMs: number) {
  const high = rows.every((r) => r.bizType === 2 || r.bizType === 4);
  return {
    EventType: high ? 'SYNC_HTTP_PUSH_HIGH' : 'SYNC_HTTP_PUSH_MEDIUM',
    bizData: rows.map((r) => ({
      gmt_create: nowMs,
      gmt_modified: nowMs,
      subscribe_id: `${suiteId}_0`,
      corp_id: corpId,
      biz_id: r.bizId,
      biz_type: r.bizType,
      biz_data: JSON.stringify(r.bizData),
      open_cursor: 0,
      status: 0,
    })),
  };
}

/**
 * biz_type 13 (user) and 14 (department) rows: the record's latest state as the suite may see it
 * (the user/department detail APIs' fields plus `syncAction`), or only `syncAction` once it is gone.
 */
export function contactRows(world: World, suite: Suite, corpId: string, change: ContactChange): SyncRow[] {
  const viewer = { corpId, isv: true, unionIdPrefix: suite.unionIdPrefix };
  const users = (change.userIds ?? []).map((userid): SyncRow => {
    const member = world.orgs.member(corpId, userid);
    const bizData = member
      ? { errcode: 0, errmsg: 'ok', ...userDetail(member, world.orgs.person(member.personId), viewer), syncAction: change.eventType }
      : { syncAction: 'user_leave_org' };
    return { bizType: 13, bizId: userid, bizData };
  });
  const depts = (change.deptIds ?? []).map((deptId): SyncRow => {
    const exists = world.orgs.department(corpId, deptId) !== undefined;
    const bizData = exists
      ? { errcode: 0, errmsg: 'ok', ...getDepartment(world, viewer, deptId), syncAction: change.eventType }
      : { syncAction: 'org_dept_remove' };
    return { bizType: 14, bizId: String(deptId), bizData };
  });
  return [...users, ...depts];
}

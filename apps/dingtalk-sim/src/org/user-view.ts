import type { Member, Person } from '../fixture/fixture.schema';
import { unionIdFor, type Viewer } from './viewer';

/**
 * Contact fields ISV apps never receive (dingtalk-api.md §3.2, §8.8): mobile, state code,
 * telephone, emails, work place, remark, hired date.
 */
function privateFields(member: Member, person: Person | undefined) {
  return {
    ...(person ? { state_code: person.stateCode, mobile: person.mobile } : {}),
    ...(member.telephone !== undefined ? { telephone: member.telephone } : {}),
    ...(person?.email !== undefined ? { email: person.email } : {}),
    ...(member.orgEmail !== undefined ? { org_email: member.orgEmail } : {}),
    ...(member.workPlace !== undefined ? { work_place: member.workPlace } : {}),
    ...(member.hiredDate !== undefined ? { hired_date: member.hiredDate } : {}),
  };
}

/** The fields that open both a user's detail and a list entry, in DingTalk's order. */
function userHead(member: Member, person: Person | undefined, viewer: Viewer) {
  return {
    userid: member.userid,
    unionid: unionIdFor(viewer, member.personId),
    name: member.name,
    ...(person?.avatarUrl !== undefined ? { avatar: person.avatarUrl } : {}),
    hide_mobile: false,
    ...(member.jobNumber !== undefined ? { job_number: member.jobNumber } : {}),
    ...(member.title !== undefined ? { title: member.title } : {}),
    ...(viewer.isv ? {} : privateFields(member, person)),
  };
}

/** `/topapi/v2/user/get` result, shaped for the viewer. */
export function userDetail(member: Member, person: Person | undefined, viewer: Viewer) {
  return {
    ...userHead(member, person, viewer),
    dept_id_list: member.deptIds,
    dept_order_list: member.deptIds.map((d) => ({ dept_id: d, order: 0 })),
    leader_in_dept: member.deptIds.map((d) => ({ dept_id: d, leader: member.leaderInDepts.includes(d) })),
    ...(member.managerUserid !== undefined ? { manager_userid: member.managerUserid } : {}),
    role_list: [],
    active: member.active,
    real_authed: true,
    senior: false,
    admin: member.admin,
    boss: member.boss,
    exclusive_account: false,
  };
}

/** One entry of `/topapi/v2/user/list` for department `deptId`. */
export function userListItem(member: Member, person: Person | undefined, viewer: Viewer, deptId: number) {
  return {
    ...userHead(member, person, viewer),
    dept_id_list: member.deptIds,
    dept_order: 0,
    active: member.active,
    admin: member.admin,
    boss: member.boss,
    leader: member.leaderInDepts.includes(deptId),
    exclusive_account: false,
  };
}

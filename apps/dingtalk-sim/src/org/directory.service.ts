import { invalidParam, SimError } from '../core/sim-error';
import type { World } from '../world';
import { userDetail, userListItem } from './user-view';
import { personIdFromUnionId, type Viewer } from './viewer';

function requireDept(world: World, viewer: Viewer, deptId: number) {
  const dept = world.orgs.department(viewer.corpId, deptId);
  if (!dept) throw new SimError('dept_not_found', `department ${deptId} not found`);
  if (viewer.scope && !viewer.scope.has(deptId))
    throw new SimError('dept_outside_scope', `部门不在授权范围内 (department ${deptId} is outside the app's contact scope)`);
  return dept;
}

/** A member the viewer may read: found, and (for a scoped ISV install) in one of its departments. */
function requireMember(world: World, viewer: Viewer, userid: string) {
  const member = world.orgs.member(viewer.corpId, userid);
  if (!member) throw new SimError('user_not_found', `userid ${userid} not found`);
  const scope = viewer.scope;
  if (scope && !member.deptIds.some((deptId) => scope.has(deptId))) {
    throw new SimError('user_outside_scope', `员工不在授权范围内 (userid ${userid} is outside the app's contact scope)`);
  }
  return member;
}

/** 60121 when the person is not a member of the viewer's org, or the unionId is another developer's. */
export function useridByUnionId(world: World, viewer: Viewer, unionId: string) {
  const personId = personIdFromUnionId(viewer, unionId);
  const member = personId !== undefined ? world.orgs.memberByPerson(viewer.corpId, personId) : undefined;
  if (!member) throw new SimError('user_not_found', 'user not found in this org');
  return { contact_type: 0, userid: requireMember(world, viewer, member.userid).userid };
}

export function getUser(world: World, viewer: Viewer, userid: string) {
  const member = requireMember(world, viewer, userid);
  return userDetail(member, world.orgs.person(member.personId), viewer);
}

export function listSubDepartments(world: World, viewer: Viewer, deptId: number) {
  requireDept(world, viewer, deptId);
  return world.orgs.childDepartments(viewer.corpId, deptId).map((d) => ({
    dept_id: d.deptId,
    name: d.name,
    parent_id: d.parentId ?? 0,
    create_dept_group: false,
    auto_add_user: false,
  }));
}

export function listSubDepartmentIds(world: World, viewer: Viewer, deptId: number) {
  requireDept(world, viewer, deptId);
  return { dept_id_list: world.orgs.childDepartments(viewer.corpId, deptId).map((d) => d.deptId) };
}

/**
 * `department/get` with its documented fields (the query-department-details v2 page). The fixture
 * knows no department groups, hiding or codes, so those answer with DingTalk's defaults; ISV apps
 * never get source_identifier, tags or from_union_org.
 */
export function getDepartment(world: World, viewer: Viewer, deptId: number) {
  const dept = requireDept(world, viewer, deptId);
  const subtree = new Set(world.orgs.subtree(viewer.corpId, deptId));
  const members = world.orgs.members(viewer.corpId);
  const managers = members.filter((m) => m.leaderInDepts.includes(deptId)).map((m) => m.userid);
  const siblings = dept.parentId !== undefined ? world.orgs.childDepartments(viewer.corpId, dept.parentId).map((d) => d.deptId) : [deptId];
  return {
    dept_id: dept.deptId,
    name: dept.name,
    ...(dept.parentId !== undefined ? { parent_id: dept.parentId } : {}),
    ...(viewer.isv ? {} : { source_identifier: '', from_union_org: false }),
    create_dept_group: false,
    auto_add_user: false,
    auto_approve_apply: false,
    group_contain_sub_dept: false,
    order: siblings.indexOf(deptId) + 1,
    dept_manager_userid_list: managers,
    outer_dept: false,
    hide_dept: false,
    member_count: members.filter((m) => m.deptIds.some((d) => subtree.has(d))).length,
    owning_member_count: members.filter((m) => m.deptIds.includes(deptId)).length,
  };
}

export function listUserIds(world: World, viewer: Viewer, deptId: number) {
  requireDept(world, viewer, deptId);
  return { userid_list: world.orgs.directMembers(viewer.corpId, deptId).map((m) => m.userid) };
}

/** Cursor paging over DIRECT members: cursor 0..100000, size 1..100 (old SDK's checks). */
export function listUsers(world: World, viewer: Viewer, deptId: number, cursor: number, size: number) {
  if (cursor < 0 || cursor > 100_000) throw invalidParam('cursor', 'must be between 0 and 100000');
  if (size < 1 || size > 100) throw invalidParam('size', 'must be between 1 and 100');
  requireDept(world, viewer, deptId);
  const members = world.orgs.directMembers(viewer.corpId, deptId);
  const page = members.slice(cursor, cursor + size);
  const hasMore = cursor + size < members.length;
  return {
    has_more: hasMore,
    ...(hasMore ? { next_cursor: cursor + size } : {}),
    list: page.map((m) => userListItem(m, world.orgs.person(m.personId), viewer, deptId)),
  };
}

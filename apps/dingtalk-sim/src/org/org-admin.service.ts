import { createHash } from 'node:crypto';
import { notifyContactChange, type Dispatch } from '../callbacks/event-notifier';
import type { Member } from '../fixture/fixture.schema';
import type { World } from '../world';
import { DeptCreateSchema, type DeptCreate, type DeptPatch, type UserCreate, type UserPatch } from './org-admin.schema';

export interface MutationResult<T> {
  value: T;
  pushes: Dispatch[];
}

async function maybeNotify(
  world: World,
  notify: boolean,
  corpId: string,
  eventType: string,
  ids: { userIds: string[] } | { deptIds: number[] },
): Promise<Dispatch[]> {
  if (!notify) return [];
  return notifyContactChange(world, corpId, { eventType, ...ids });
}

const derivedMobile = (personId: string) => `139${createHash('sha1').update(personId).digest().readUInt32BE(0) % 100_000_000}`.padEnd(11, '0');

/** Org mutations made "by the org admin"; with notify the matching contact event is pushed. */
export async function addUser(world: World, corpId: string, input: UserCreate, notify: boolean): Promise<MutationResult<Member>> {
  const personId = input.personId ?? `${corpId}-${input.userid}`;
  const existing = world.orgs.person(personId);
  const person = existing ?? {
    personId,
    nick: input.name,
    mobile: input.mobile ?? derivedMobile(personId),
    stateCode: input.stateCode ?? '86',
    ...(input.email !== undefined ? { email: input.email } : {}),
  };
  const member: Member = {
    userid: input.userid,
    personId,
    name: input.name,
    deptIds: input.deptIds,
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.jobNumber !== undefined ? { jobNumber: input.jobNumber } : {}),
    ...(input.orgEmail !== undefined ? { orgEmail: input.orgEmail } : {}),
    ...(input.hiredDate !== undefined ? { hiredDate: input.hiredDate } : {}),
    ...(input.managerUserid !== undefined ? { managerUserid: input.managerUserid } : {}),
    admin: input.admin ?? false,
    boss: false,
    active: input.active ?? true,
    leaderInDepts: [],
  };
  world.orgs.addMember(corpId, member, person);
  return { value: member, pushes: await maybeNotify(world, notify, corpId, 'user_add_org', { userIds: [member.userid] }) };
}

export async function updateUser(world: World, corpId: string, userid: string, patch: UserPatch, notify: boolean): Promise<MutationResult<Member>> {
  const { mobile, email, ...memberPatch } = patch;
  const personPatch = { ...(mobile !== undefined ? { mobile } : {}), ...(email !== undefined ? { email } : {}) };
  const member = world.orgs.updateMember(corpId, userid, memberPatch, personPatch);
  return { value: member, pushes: await maybeNotify(world, notify, corpId, 'user_modify_org', { userIds: [userid] }) };
}

export async function removeUser(world: World, corpId: string, userid: string, notify: boolean): Promise<MutationResult<{ userid: string }>> {
  world.orgs.removeMember(corpId, userid);
  return { value: { userid }, pushes: await maybeNotify(world, notify, corpId, 'user_leave_org', { userIds: [userid] }) };
}

export async function addDepartment(world: World, corpId: string, input: DeptCreate, notify: boolean) {
  const parsed = DeptCreateSchema.parse(input);
  const dept = { deptId: parsed.deptId ?? world.orgs.nextDeptId(corpId), name: parsed.name, parentId: parsed.parentId };
  world.orgs.addDepartment(corpId, dept);
  return { value: dept, pushes: await maybeNotify(world, notify, corpId, 'org_dept_create', { deptIds: [dept.deptId] }) };
}

export async function updateDepartment(world: World, corpId: string, deptId: number, patch: DeptPatch, notify: boolean) {
  const dept = world.orgs.updateDepartment(corpId, deptId, patch);
  return { value: dept, pushes: await maybeNotify(world, notify, corpId, 'org_dept_modify', { deptIds: [deptId] }) };
}

export async function removeDepartment(world: World, corpId: string, deptId: number, notify: boolean) {
  world.orgs.removeDepartment(corpId, deptId);
  return { value: { deptId }, pushes: await maybeNotify(world, notify, corpId, 'org_dept_remove', { deptIds: [deptId] }) };
}

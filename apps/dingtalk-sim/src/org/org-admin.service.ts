import { createHash } from 'node:crypto';
import { notifyContactChange, type Dispatch } from '../callbacks/event-notifier';
import type { Member, Person } from '../fixture/fixture.schema';
import { OrgStoreError } from './org-store';
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

function newMember(world: World, corpId: string, input: UserCreate): { member: Member; person: Person } {
  const personId = input.personId ?? `${corpId}-${input.userid}`;
  const person = world.orgs.person(personId) ?? {
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
  return { member, person };
}

/** Org mutations made "by the org admin"; with notify the matching contact event is pushed. */
export async function addUser(world: World, corpId: string, input: UserCreate, notify: boolean): Promise<MutationResult<Member>> {
  const { member, person } = newMember(world, corpId, input);
  world.orgs.addMember(corpId, member, person);
  return { value: member, pushes: await maybeNotify(world, notify, corpId, 'user_add_org', { userIds: [member.userid] }) };
}

/**
 * Many users at once, all or none (a benchmark's org of 100,000 people in a few calls instead of
 * 100,000): every userid must be new and every department known before the first is added. No
 * contact events: this builds an org, it does not act out hires.
 */
export function addUsers(world: World, corpId: string, inputs: UserCreate[]): { added: number } {
  const batch = new Set<string>();
  for (const input of inputs) {
    if (batch.has(input.userid) || world.orgs.member(corpId, input.userid)) throw new OrgStoreError('conflict', `userid ${input.userid} already exists`);
    batch.add(input.userid);
    world.orgs.requireDepartments(corpId, input.deptIds);
  }
  for (const input of inputs) {
    const { member, person } = newMember(world, corpId, input);
    world.orgs.addMember(corpId, member, person);
  }
  return { added: inputs.length };
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

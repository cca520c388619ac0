import type { Department, Fixture, Member, Org, Person } from '../fixture/fixture.schema';

export class OrgStoreError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

interface OrgState {
  corpId: string;
  corpName: string;
  departments: Map<number, Department>;
  members: Map<string, Member>;
}

/** The simulated directory: people (DingTalk accounts) and orgs with departments and members. */
export class OrgStore {
  private readonly people = new Map<string, Person>();
  private readonly orgs = new Map<string, OrgState>();

  constructor(fixture: Fixture) {
    for (const p of fixture.people) this.people.set(p.personId, { ...p });
    for (const org of fixture.orgs) this.orgs.set(org.corpId, toState(org));
  }

  corpIds(): string[] {
    return [...this.orgs.keys()];
  }

  org(corpId: string): { corpId: string; corpName: string } | undefined {
    const org = this.orgs.get(corpId);
    return org && { corpId: org.corpId, corpName: org.corpName };
  }

  person(personId: string): Person | undefined {
    return this.people.get(personId);
  }

  allPeople(): Person[] {
    return [...this.people.values()];
  }

  member(corpId: string, userid: string): Member | undefined {
    return this.orgs.get(corpId)?.members.get(userid);
  }

  memberByPerson(corpId: string, personId: string): Member | undefined {
    const org = this.orgs.get(corpId);
    return org ? [...org.members.values()].find((m) => m.personId === personId) : undefined;
  }

  /** Orgs a person belongs to (what the login page offers for the `openid corpid` scope). */
  orgsOfPerson(personId: string): string[] {
    return [...this.orgs.values()].filter((o) => [...o.members.values()].some((m) => m.personId === personId)).map((o) => o.corpId);
  }

  members(corpId: string): Member[] {
    return [...(this.orgs.get(corpId)?.members.values() ?? [])];
  }

  department(corpId: string, deptId: number): Department | undefined {
    return this.orgs.get(corpId)?.departments.get(deptId);
  }

  childDepartments(corpId: string, deptId: number): Department[] {
    return [...(this.orgs.get(corpId)?.departments.values() ?? [])].filter((d) => d.parentId === deptId).sort((a, b) => a.deptId - b.deptId);
  }

  /** The department and every department below it. */
  subtree(corpId: string, deptId: number): number[] {
    const out = [deptId];
    for (let i = 0; i < out.length; i++) out.push(...this.childDepartments(corpId, out[i] as number).map((d) => d.deptId));
    return out;
  }

  /** Direct members of one department, in userid order (stable paging). */
  directMembers(corpId: string, deptId: number): Member[] {
    return this.members(corpId)
      .filter((m) => m.deptIds.includes(deptId))
      .sort((a, b) => a.userid.localeCompare(b.userid));
  }

  addMember(corpId: string, member: Member, person: Person): void {
    const org = this.requireOrg(corpId);
    if (org.members.has(member.userid)) throw new OrgStoreError('conflict', `userid ${member.userid} already exists`);
    this.requireDepts(org, member.deptIds);
    this.people.set(person.personId, person);
    org.members.set(member.userid, member);
  }

  updateMember(corpId: string, userid: string, patch: Partial<Omit<Member, 'userid' | 'personId'>>, personPatch: Partial<Person>): Member {
    const org = this.requireOrg(corpId);
    const current = org.members.get(userid);
    if (!current) throw new OrgStoreError('not_found', `userid ${userid} not found`);
    if (patch.deptIds) this.requireDepts(org, patch.deptIds);
    const next = { ...current, ...patch };
    org.members.set(userid, next);
    const person = this.people.get(current.personId);
    if (person) this.people.set(person.personId, { ...person, ...personPatch, personId: person.personId });
    return next;
  }

  removeMember(corpId: string, userid: string): void {
    if (!this.requireOrg(corpId).members.delete(userid)) throw new OrgStoreError('not_found', `userid ${userid} not found`);
  }

  addDepartment(corpId: string, dept: Department): void {
    const org = this.requireOrg(corpId);
    if (org.departments.has(dept.deptId)) throw new OrgStoreError('conflict', `department ${dept.deptId} already exists`);
    if (dept.parentId === undefined || !org.departments.has(dept.parentId)) throw new OrgStoreError('not_found', 'parent department not found');
    org.departments.set(dept.deptId, dept);
  }

  nextDeptId(corpId: string): number {
    return Math.max(0, ...this.requireOrg(corpId).departments.keys()) + 1;
  }

  updateDepartment(corpId: string, deptId: number, patch: { name?: string; parentId?: number }): Department {
    const org = this.requireOrg(corpId);
    const current = org.departments.get(deptId);
    if (!current) throw new OrgStoreError('not_found', `department ${deptId} not found`);
    if (patch.parentId !== undefined && (deptId === 1 || !org.departments.has(patch.parentId) || this.subtree(corpId, deptId).includes(patch.parentId))) {
      throw new OrgStoreError('conflict', 'invalid parent department');
    }
    const next = { ...current, ...patch };
    org.departments.set(deptId, next);
    return next;
  }

  /** Like DingTalk, a department with sub-departments or members cannot be removed. */
  removeDepartment(corpId: string, deptId: number): void {
    const org = this.requireOrg(corpId);
    if (!org.departments.has(deptId)) throw new OrgStoreError('not_found', `department ${deptId} not found`);
    if (deptId === 1) throw new OrgStoreError('conflict', 'the root department cannot be removed');
    if (this.childDepartments(corpId, deptId).length > 0 || this.directMembers(corpId, deptId).length > 0) {
      throw new OrgStoreError('conflict', 'department still has sub-departments or members');
    }
    org.departments.delete(deptId);
  }

  /** Throws not_found unless the org and each of these departments exist. */
  requireDepartments(corpId: string, deptIds: number[]): void {
    this.requireDepts(this.requireOrg(corpId), deptIds);
  }

  private requireOrg(corpId: string): OrgState {
    const org = this.orgs.get(corpId);
    if (!org) throw new OrgStoreError('not_found', `org ${corpId} not found`);
    return org;
  }

  private requireDepts(org: OrgState, deptIds: number[]): void {
    if (deptIds.some((d) => !org.departments.has(d))) throw new OrgStoreError('not_found', 'unknown department');
  }
}

function toState(org: Org): OrgState {
  return {
    corpId: org.corpId,
    corpName: org.corpName,
    departments: new Map(org.departments.map((d) => [d.deptId, { ...d }])),
    members: new Map(org.members.map((m) => [m.userid, { ...m, deptIds: [...m.deptIds], leaderInDepts: [...m.leaderInDepts] }])),
  };
}

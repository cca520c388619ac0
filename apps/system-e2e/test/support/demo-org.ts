// The simulator's demo org as the product should mirror it, read from the running simulator's
// fixture (`GET /_sim/fixture`, the baseline it started from) rather than restated here.
import type { Department, UserProfile } from '@dtg/contracts';
import { DEMO, type Fixture, type Org } from '@dtg/dingtalk-sim';
import { simControl, type Stack } from '@dtg/testkit';

export interface DemoOrg {
  org: Org;
  /** userid → profile as DingTalk's user detail (v2/user/get) gives it to the internal app. */
  profiles: Map<string, UserProfile>;
  /** As the product stores them: the root is named after the tenant. */
  departments: Department[];
}

export async function demoOrg(stack: Stack): Promise<DemoOrg> {
  const fixture = await simControl<Fixture>(stack.sim.url, 'GET', '/fixture');
  const org = fixture.orgs.find((o) => o.corpId === DEMO.corpId);
  if (!org) throw new Error('the demo org is not in the fixture');
  const people = new Map(fixture.people.map((p) => [p.personId, p]));
  const profiles = new Map<string, UserProfile>();
  for (const member of org.members) {
    const person = people.get(member.personId);
    const email = person?.email ?? member.orgEmail;
    profiles.set(member.userid, {
      userid: member.userid,
      unionId: `union-${member.personId}`,
      name: member.name,
      ...(member.title ? { title: member.title } : {}),
      ...(member.jobNumber ? { jobNumber: member.jobNumber } : {}),
      ...(person ? { mobile: person.mobile } : {}),
      ...(email ? { email } : {}),
      deptIds: member.deptIds,
      ...(member.managerUserid ? { managerUserid: member.managerUserid } : {}),
      admin: member.admin,
      boss: member.boss,
      active: true,
    });
  }
  // DingTalk's department list never includes the root, so the cloud names it after the tenant,
  // which startStack creates with the org's name.
  const departments = org.departments.map((d) => ({ deptId: d.deptId, name: d.deptId === 1 ? DEMO.corpName : d.name, parentId: d.parentId ?? null }));
  return { org, profiles, departments };
}

/** The profile a directory page gives: DingTalk's user list carries no manager. */
export function listedProfile(profile: UserProfile): UserProfile {
  const { managerUserid: _manager, ...listed } = profile;
  return listed;
}

// The current record behind a contact event: a callback only names ids, and DingTalk's advice is to
// read the latest state rather than trust event order. Someone who no longer exists is "gone".
import { isDingTalkNotFound, type OrgClient } from '@dtg/dingtalk-client';
import type { Department, UserProfile } from '@dtg/contracts';
import { toUserProfile } from '../dingtalk/user-profile.mapper';

export async function readUsers(org: OrgClient, userids: readonly string[]): Promise<{ users: UserProfile[]; gone: string[] }> {
  const users: UserProfile[] = [];
  const gone: string[] = [];
  for (const userid of userids) {
    try {
      users.push(toUserProfile(await org.contacts.getUser(userid)));
    } catch (err) {
      if (!isDingTalkNotFound(err)) throw err;
      gone.push(userid);
    }
  }
  return { users, gone };
}

export async function readDepartments(org: OrgClient, deptIds: readonly number[]): Promise<{ departments: Department[]; gone: number[] }> {
  const departments: Department[] = [];
  const gone: number[] = [];
  for (const deptId of deptIds) {
    try {
      const dept = await org.contacts.getDepartment(deptId);
      departments.push({ deptId: dept.dept_id, name: dept.name, parentId: dept.parent_id ?? null });
    } catch (err) {
      if (!isDingTalkNotFound(err)) throw err;
      gone.push(deptId);
    }
  }
  return { departments, gone };
}

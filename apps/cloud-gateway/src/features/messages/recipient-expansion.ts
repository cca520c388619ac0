// Departments → userids, the way DingTalk itself expands dept_id_list (the whole sub-tree,
// de-duplicated), but done by us so every recipient passes the quota guard and gets a status.
import type { RecipientsSpec } from '@dtg/contracts';
import { isDingTalkNotFound, type OrgClient } from '@dtg/dingtalk-client';

const ROOT_DEPT = 1;

export interface Expansion {
  /** Explicit userids first (as given), then department members in walk order; no duplicates. */
  userids: string[];
  /** Requested departments DingTalk does not know (60003). */
  missingDeptIds: number[];
}

/** The userids a spec names itself, once each, in the order given. */
export function directUserIds(spec: RecipientsSpec): string[] {
  return [...new Set(spec.userIds ?? [])];
}

export async function expandRecipients(org: OrgClient, spec: RecipientsSpec): Promise<Expansion> {
  const roots = spec.toAll ? [ROOT_DEPT] : (spec.deptIds ?? []);
  const { deptIds, missingDeptIds } = await walkDepartments(org, roots);
  const userids = new Set(directUserIds(spec));
  for (const deptId of deptIds) {
    for (const userid of await org.contacts.listUserIds(deptId)) userids.add(userid);
  }
  return { userids: [...userids], missingDeptIds };
}

/** Breadth-first over listsubid (one level per call); each department visited once. */
async function walkDepartments(org: OrgClient, roots: number[]): Promise<{ deptIds: number[]; missingDeptIds: number[] }> {
  const seen = new Set<number>();
  const deptIds: number[] = [];
  const missingDeptIds: number[] = [];
  const queue = [...roots];
  for (let deptId = queue.shift(); deptId !== undefined; deptId = queue.shift()) {
    if (seen.has(deptId)) continue;
    seen.add(deptId);
    try {
      const children = await org.contacts.listSubDepartmentIds(deptId);
      deptIds.push(deptId);
      queue.push(...children);
    } catch (err) {
      if (!isDingTalkNotFound(err)) throw err;
      missingDeptIds.push(deptId);
    }
  }
  return { deptIds, missingDeptIds };
}

// DingTalk's snake_case person (from v2/user/get or a v2/user/list page) → the product's UserProfile.
import type { UserProfile } from '@dtg/contracts';
import type { UserDetail, UserListItem } from '@dtg/dingtalk-client';
import { sha256Hex } from '@dtg/service-kit';

/** The fields both sources share; only v2/user/get carries the manager. */
export type DingTalkPerson = Pick<
  UserListItem,
  'userid' | 'unionid' | 'name' | 'avatar' | 'title' | 'job_number' | 'mobile' | 'email' | 'org_email' | 'dept_id_list' | 'admin' | 'boss' | 'active'
> &
  Pick<UserDetail, 'manager_userid'>;

export function toUserProfile(p: DingTalkPerson): UserProfile {
  // The personal email when DingTalk shows it, else the org mailbox: either reaches the person.
  const email = p.email ?? p.org_email;
  return {
    userid: p.userid,
    ...(p.unionid ? { unionId: p.unionid } : {}),
    name: p.name,
    ...(p.avatar ? { avatar: p.avatar } : {}),
    ...(p.title ? { title: p.title } : {}),
    ...(p.job_number ? { jobNumber: p.job_number } : {}),
    ...(p.mobile ? { mobile: p.mobile } : {}),
    ...(email ? { email } : {}),
    deptIds: p.dept_id_list,
    ...(p.manager_userid ? { managerUserid: p.manager_userid } : {}),
    ...(p.admin !== undefined ? { admin: p.admin } : {}),
    ...(p.boss !== undefined ? { boss: p.boss } : {}),
    active: p.active ?? true,
  };
}

/** Stable digest of a profile (the mapper builds keys in a fixed order), to tell "changed" from "same". */
export function profileHash(value: unknown): string {
  return sha256Hex(JSON.stringify(value));
}

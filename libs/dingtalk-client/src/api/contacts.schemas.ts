import { z } from 'zod';

export const UnionIdLookupSchema = z.object({
  userid: z.string().min(1),
  /** 0 = org member, 1 = external contact. */
  contact_type: z.number().int().optional(),
});
export type UnionIdLookup = z.infer<typeof UnionIdLookupSchema>;

/**
 * `/topapi/v2/user/get` result. Fields other than the ids and name are optional: DingTalk omits
 * unset ones and never shows mobile, email, state_code, hired_date … to ISV apps.
 */
export const UserDetailSchema = z.object({
  userid: z.string().min(1),
  unionid: z.string().optional(),
  name: z.string(),
  avatar: z.string().optional(),
  state_code: z.string().optional(),
  mobile: z.string().optional(),
  hide_mobile: z.boolean().optional(),
  telephone: z.string().optional(),
  job_number: z.string().optional(),
  title: z.string().optional(),
  email: z.string().optional(),
  org_email: z.string().optional(),
  work_place: z.string().optional(),
  remark: z.string().optional(),
  extension: z.string().optional(),
  hired_date: z.number().optional(),
  dept_id_list: z.array(z.number().int()).default([]),
  dept_order_list: z.array(z.object({ dept_id: z.number().int(), order: z.number() })).optional(),
  leader_in_dept: z.array(z.object({ dept_id: z.number().int(), leader: z.boolean() })).optional(),
  manager_userid: z.string().optional(),
  role_list: z.array(z.object({ id: z.number().int(), name: z.string(), group_name: z.string().optional() })).optional(),
  active: z.boolean().optional(),
  real_authed: z.boolean().optional(),
  senior: z.boolean().optional(),
  admin: z.boolean().optional(),
  boss: z.boolean().optional(),
  exclusive_account: z.boolean().optional(),
});
export type UserDetail = z.infer<typeof UserDetailSchema>;

export const DepartmentSchema = z.object({
  dept_id: z.number().int(),
  name: z.string(),
  parent_id: z.number().int().optional(),
  create_dept_group: z.boolean().optional(),
  auto_add_user: z.boolean().optional(),
});
export type Department = z.infer<typeof DepartmentSchema>;

/** One entry of `/topapi/v2/user/list` (direct members of a department). */
export const UserListItemSchema = z.object({
  userid: z.string().min(1),
  unionid: z.string().optional(),
  name: z.string(),
  avatar: z.string().optional(),
  state_code: z.string().optional(),
  mobile: z.string().optional(),
  hide_mobile: z.boolean().optional(),
  telephone: z.string().optional(),
  job_number: z.string().optional(),
  title: z.string().optional(),
  email: z.string().optional(),
  org_email: z.string().optional(),
  work_place: z.string().optional(),
  remark: z.string().optional(),
  dept_id_list: z.array(z.number().int()).default([]),
  dept_order: z.number().optional(),
  extension: z.string().optional(),
  hired_date: z.number().optional(),
  active: z.boolean().optional(),
  admin: z.boolean().optional(),
  boss: z.boolean().optional(),
  leader: z.boolean().optional(),
  exclusive_account: z.boolean().optional(),
});
export type UserListItem = z.infer<typeof UserListItemSchema>;

export const UserListPageSchema = z.object({
  has_more: z.boolean(),
  next_cursor: z.number().int().optional(),
  list: z.array(UserListItemSchema),
});
export type UserListPage = z.infer<typeof UserListPageSchema>;

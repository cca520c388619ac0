import { z } from 'zod';

export const UnionIdLookupSchema = z.object({
  userid: z.string().min(1),
  /** 0 = org member, 1 = external contact. */
  contact_type: z.number().int().optional(),
});
export type UnionIdLookup = z.infer<typeof UnionIdLookupSchema>;

/**
 * The fields `/topapi/v2/user/get` and `/topapi/v2/user/list` both return. Fields other than the
 * ids and name are optional: DingTalk omits unset ones and never shows mobile, email, state_code,
 * hired_date … to ISV apps.
 */
const UserFieldsSchema = z.object({
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
  active: z.boolean().optional(),
  admin: z.boolean().optional(),
  boss: z.boolean().optional(),
  exclusive_account: z.boolean().optional(),
});

/** `/topapi/v2/user/get` result: the common fields and the per-department details. */
export const UserDetailSchema = UserFieldsSchema.extend({
  dept_order_list: z.array(z.object({ dept_id: z.number().int(), order: z.number() })).optional(),
  leader_in_dept: z.array(z.object({ dept_id: z.number().int(), leader: z.boolean() })).optional(),
  manager_userid: z.string().optional(),
  role_list: z.array(z.object({ id: z.number().int(), name: z.string(), group_name: z.string().optional() })).optional(),
  real_authed: z.boolean().optional(),
  senior: z.boolean().optional(),
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

/**
 * `/topapi/v2/department/get` result (query-department-details v2). Everything but the id and name
 * is optional: DingTalk omits unset fields, and ISV apps never get source_identifier, tags or
 * from_union_org.
 */
export const DepartmentDetailSchema = z.object({
  dept_id: z.number().int(),
  name: z.string(),
  parent_id: z.number().int().optional(),
  source_identifier: z.string().optional(),
  create_dept_group: z.boolean().optional(),
  auto_add_user: z.boolean().optional(),
  auto_approve_apply: z.boolean().optional(),
  tags: z.string().optional(),
  from_union_org: z.boolean().optional(),
  order: z.number().optional(),
  dept_group_chat_id: z.string().optional(),
  group_contain_sub_dept: z.boolean().optional(),
  org_dept_owner: z.string().optional(),
  dept_manager_userid_list: z.array(z.string()).optional(),
  outer_dept: z.boolean().optional(),
  outer_permit_depts: z.array(z.number().int()).optional(),
  outer_permit_users: z.array(z.string()).optional(),
  hide_dept: z.boolean().optional(),
  user_permits: z.array(z.string()).optional(),
  dept_permits: z.array(z.number().int()).optional(),
  code: z.string().optional(),
  member_count: z.number().int().optional(),
  owning_member_count: z.number().int().optional(),
  union_dept_ext: z.object({ corp_id: z.string(), dept_id: z.number().int() }).optional(),
});
export type DepartmentDetail = z.infer<typeof DepartmentDetailSchema>;

/** One entry of `/topapi/v2/user/list` (direct members of a department): its order and leadership there. */
export const UserListItemSchema = UserFieldsSchema.extend({
  dept_order: z.number().optional(),
  leader: z.boolean().optional(),
});
export type UserListItem = z.infer<typeof UserListItemSchema>;

export const UserListPageSchema = z.object({
  has_more: z.boolean(),
  next_cursor: z.number().int().optional(),
  list: z.array(UserListItemSchema),
});
export type UserListPage = z.infer<typeof UserListPageSchema>;

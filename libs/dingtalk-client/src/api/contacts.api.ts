import { z } from 'zod';
import { DingTalkApiError } from '../errors/dingtalk-errors';
import {
  DepartmentDetailSchema,
  DepartmentSchema,
  UnionIdLookupSchema,
  UserDetailSchema,
  UserListPageSchema,
  type Department,
  type DepartmentDetail,
  type UnionIdLookup,
  type UserDetail,
  type UserListItem,
  type UserListPage,
} from './contacts.schemas';
import { resultOf } from './envelope.schemas';
import { postOapi, type OrgBinding } from './org-binding';

export type Language = 'zh_CN' | 'en_US';

export interface ListUsersOptions {
  deptId: number;
  /** Start at 0, then pass the previous page's `next_cursor`. */
  cursor?: number;
  /** Page size 1..100. Default 100. */
  size?: number;
  orderField?: 'entry_asc' | 'entry_desc' | 'modify_asc' | 'modify_desc' | 'custom';
  containAccessLimit?: boolean;
  language?: Language;
}

// The answers' shapes, built once: a directory walk or a department expansion calls these in loops.
const UnionIdAnswer = resultOf(UnionIdLookupSchema);
const UserDetailAnswer = resultOf(UserDetailSchema);
const DepartmentsAnswer = resultOf(z.array(DepartmentSchema));
const DepartmentDetailAnswer = resultOf(DepartmentDetailSchema);
const SubDepartmentIdsAnswer = resultOf(z.object({ dept_id_list: z.array(z.number().int()) })).transform((r) => r.dept_id_list);
const UserIdsAnswer = resultOf(z.object({ userid_list: z.array(z.string()) })).transform((r) => r.userid_list);
const UserListPageAnswer = resultOf(UserListPageSchema);

/** Directory reads with the org's app/corp token (old `topapi` calls; no full v1.0 replacement exists). */
export class ContactsApi {
  constructor(private readonly org: OrgBinding) {}

  /** unionId → userid in this org. A login user outside the org gets a DingTalkApiError of kind `not-found` (60121). */
  getUserIdByUnionId(unionId: string): Promise<UnionIdLookup> {
    return postOapi(this.org, '/topapi/user/getbyunionid', { unionid: unionId }, UnionIdAnswer);
  }

  getUser(userId: string, options: { language?: Language } = {}): Promise<UserDetail> {
    return postOapi(this.org, '/topapi/v2/user/get', { userid: userId, language: options.language }, UserDetailAnswer);
  }

  /** Direct child departments (one level). The root department is 1. */
  listSubDepartments(deptId = 1, options: { language?: Language } = {}): Promise<Department[]> {
    const body = { dept_id: deptId, language: options.language };
    return postOapi(this.org, '/topapi/v2/department/listsub', body, DepartmentsAnswer);
  }

  /** One department's details. An unknown id is a DingTalkApiError of kind `not-found` (60003). */
  getDepartment(deptId: number, options: { language?: Language } = {}): Promise<DepartmentDetail> {
    return postOapi(this.org, '/topapi/v2/department/get', { dept_id: deptId, language: options.language }, DepartmentDetailAnswer);
  }

  listSubDepartmentIds(deptId: number): Promise<number[]> {
    return postOapi(this.org, '/topapi/v2/department/listsubid', { dept_id: deptId }, SubDepartmentIdsAnswer);
  }

  /** Userids of the department's direct members. */
  listUserIds(deptId: number): Promise<string[]> {
    return postOapi(this.org, '/topapi/user/listid', { dept_id: deptId }, UserIdsAnswer);
  }

  /** One page of the department's direct members (cursor paging). */
  listUsers(options: ListUsersOptions): Promise<UserListPage> {
    const body = {
      dept_id: options.deptId,
      cursor: options.cursor ?? 0,
      size: options.size ?? 100,
      order_field: options.orderField,
      contain_access_limit: options.containAccessLimit,
      language: options.language,
    };
    return postOapi(this.org, '/topapi/v2/user/list', body, UserListPageAnswer);
  }

  /** Every direct member of the department, fetching pages lazily as the loop consumes them. */
  async *iterateUsers(options: Omit<ListUsersOptions, 'cursor'>): AsyncGenerator<UserListItem, void, undefined> {
    let cursor: number | undefined = 0;
    while (cursor !== undefined) {
      const page: UserListPage = await this.listUsers({ ...options, cursor });
      yield* page.list;
      if (page.has_more && !(page.next_cursor !== undefined && page.next_cursor > cursor)) {
        // A cursor that does not advance would loop forever; surface it instead.
        throw new DingTalkApiError({
          method: 'POST',
          path: '/topapi/v2/user/list',
          kind: 'unexpected-response',
          dingtalkMessage: `has_more without an advancing next_cursor (cursor ${cursor})`,
        });
      }
      cursor = page.has_more ? page.next_cursor : undefined;
    }
  }
}

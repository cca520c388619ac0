// The current record behind a contact event: a callback only names ids, and DingTalk's advice is to
// read the latest state rather than trust event order. Someone who no longer exists is "gone".
import { z } from 'zod';
import { DingTalkApiError, type OrgClient } from '@dtg/dingtalk-client';
import type { Department, UserProfile } from '@dtg/contracts';
import { currentRequestId } from '@dtg/service-kit';
import { isNotFound } from '../users/dingtalk-failure';
import { toUserProfile } from '../users/user-profile.mapper';

const DEPARTMENT_GET = '/topapi/v2/department/get';
const DEPARTMENT_TIMEOUT_MS = 10_000;

const DepartmentAnswerSchema = z.object({
  errcode: z.number(),
  errmsg: z.string().optional(),
  request_id: z.string().optional(),
  result: z.object({ dept_id: z.number().int(), name: z.string(), parent_id: z.number().int().optional() }).optional(),
});

export async function readUsers(org: OrgClient, userids: readonly string[]): Promise<{ users: UserProfile[]; gone: string[] }> {
  const users: UserProfile[] = [];
  const gone: string[] = [];
  for (const userid of userids) {
    try {
      users.push(toUserProfile(await org.contacts.getUser(userid)));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      gone.push(userid);
    }
  }
  return { users, gone };
}

export async function readDepartments(org: OrgClient, oapiBaseUrl: string, deptIds: readonly number[]): Promise<{ departments: Department[]; gone: number[] }> {
  const departments: Department[] = [];
  const gone: number[] = [];
  for (const deptId of deptIds) {
    try {
      departments.push(await getDepartment(org, oapiBaseUrl, deptId));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      gone.push(deptId);
    }
  }
  return { departments, gone };
}

/**
 * `department/get` is not wrapped by @dtg/dingtalk-client (it has listsub only), so it is called
 * here with the org's cached token; errors are raised as the client's DingTalkApiError so callers
 * branch on the same `kind` (60003 → not-found). Contact events are rare, so the client's
 * throttling is not missed.
 */
async function getDepartment(org: OrgClient, oapiBaseUrl: string, deptId: number): Promise<Department> {
  const url = new URL(DEPARTMENT_GET, oapiBaseUrl);
  url.searchParams.set('access_token', await org.accessToken());
  const requestId = currentRequestId();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
    body: JSON.stringify({ dept_id: deptId }),
    signal: AbortSignal.timeout(DEPARTMENT_TIMEOUT_MS),
  });
  const parsed = DepartmentAnswerSchema.safeParse(await response.json().catch(() => undefined));
  const base = { method: 'POST', path: DEPARTMENT_GET, httpStatus: response.status };
  if (!parsed.success) throw new DingTalkApiError({ ...base, kind: 'unexpected-response' });
  const { errcode, errmsg, request_id: dingtalkRequestId, result } = parsed.data;
  if (errcode !== 0 || !result) throw new DingTalkApiError({ ...base, errcode, errmsg, requestId: dingtalkRequestId });
  return { deptId: result.dept_id, name: result.name, parentId: result.parent_id ?? null };
}

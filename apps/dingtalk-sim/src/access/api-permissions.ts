// The permission each org-scoped API needs, as DingTalk's developer console names it
// (dingtalk-api.md §3 and §4: qyapi_get_member, qyapi_get_department_list,
// qyapi_get_department_member, qyapi_base). An app lacking one is refused with 88/60011 (old host)
// or 403 Forbidden.AccessDenied.AccessTokenPermissionDenied (new host), naming it in requiredScopes.
const PERMISSIONS: Record<string, string> = {
  '/topapi/user/getbyunionid': 'qyapi_get_member',
  '/topapi/v2/user/get': 'qyapi_get_member',
  '/topapi/user/listid': 'qyapi_get_member',
  '/topapi/v2/user/list': 'qyapi_get_department_member',
  '/topapi/v2/department/listsub': 'qyapi_get_department_list',
  '/topapi/v2/department/listsubid': 'qyapi_get_department_list',
  '/topapi/v2/department/get': 'qyapi_get_department_list',
  '/topapi/v2/user/getuserinfo': 'qyapi_base',
  '/topapi/message/corpconversation/asyncsend_v2': 'qyapi_base',
  '/topapi/message/corpconversation/getsendprogress': 'qyapi_base',
  '/topapi/message/corpconversation/getsendresult': 'qyapi_base',
  '/topapi/message/corpconversation/recall': 'qyapi_base',
  '/topapi/message/corpconversation/status_bar/update': 'qyapi_base',
  '/v1.0/robot/oToMessages/batchSend': 'qyapi_robot_sendmsg',
  '/v1.0/robot/oToMessages/readStatus': 'qyapi_robot_sendmsg',
  '/v1.0/robot/otoMessages/batchRecall': 'qyapi_robot_sendmsg',
};

/** Every permission the simulator can withhold (what `/_sim/access` accepts). */
export const KNOWN_PERMISSIONS = [...new Set(Object.values(PERMISSIONS))].sort();

export function permissionFor(apiPath: string): string | undefined {
  return PERMISSIONS[apiPath];
}

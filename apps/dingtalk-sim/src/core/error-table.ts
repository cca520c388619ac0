import type { SimError, SimErrorReason } from './sim-error';

export interface OapiShape {
  errcode: number;
  /** Set when DingTalk wraps the reason in `errcode 88` (auth/gateway failures). */
  subCode?: string;
}
export interface ApiShape {
  status: number;
  code: string;
}

/**
 * ONE table of how each failure looks on the old host (HTTP 200 + errcode) and the new host
 * (HTTP 4xx/5xx + code). Sources: dingtalk-api.md §0.1, §1, §5 — [UNVERIFIED] rows are marked.
 */
export const ERROR_TABLE: Record<SimErrorReason, { oapi: OapiShape; api: ApiShape }> = {
  token_missing: { oapi: { errcode: 88, subCode: '40000' }, api: { status: 400, code: 'AuthenticationFailed.MissingParameter' } },
  token_invalid: { oapi: { errcode: 88, subCode: '40014' }, api: { status: 400, code: 'InvalidAuthentication' } },
  token_expired: { oapi: { errcode: 42001 }, api: { status: 400, code: 'InvalidAuthentication' } },
  permission_denied: { oapi: { errcode: 88, subCode: '60011' }, api: { status: 403, code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied' } },
  ip_not_allowed: { oapi: { errcode: 88, subCode: '60020' }, api: { status: 403, code: 'Forbidden.AccessDenied.IpNotInWhiteList' } },
  // [UNVERIFIED] dingtalk-api.md names no code for reads outside an ISV install's contact scope;
  // DingTalk's global error table has 50004 (department) and 50002 (member) "not in the authorised range".
  dept_outside_scope: { oapi: { errcode: 50004 }, api: { status: 403, code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied' } },
  user_outside_scope: { oapi: { errcode: 50002 }, api: { status: 403, code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied' } },
  qps_limited: { oapi: { errcode: 88, subCode: '90018' }, api: { status: 403, code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi' } },
  api_qps_limited: { oapi: { errcode: 88, subCode: '90002' }, api: { status: 403, code: 'Forbidden.AccessDenied.QpsLimitForApi' } },
  monthly_quota: { oapi: { errcode: 88, subCode: '90020' }, api: { status: 403, code: 'Forbidden.AccessDenied.ApiCountLimitForOrg' } },
  system_busy: { oapi: { errcode: -1 }, api: { status: 429, code: 'system.busy' } },
  missing_param: { oapi: { errcode: 40035 }, api: { status: 400, code: 'MissingParameter' } },
  invalid_param: { oapi: { errcode: 400002 }, api: { status: 400, code: 'invalidParameter' } },
  malformed_body: { oapi: { errcode: 43009 }, api: { status: 400, code: 'invalidParameter' } },
  bad_content_type: { oapi: { errcode: 43004 }, api: { status: 400, code: 'invalidParameter' } },
  invalid_credentials: { oapi: { errcode: 40096 }, api: { status: 400, code: 'invalidClientIdOrSecret' } },
  invalid_suite_key: { oapi: { errcode: 40083 }, api: { status: 400, code: 'invalidSuiteKey' } },
  // The reference names no old-host code for a stale ticket; DingTalk's legacy global error table
  // lists 40085 "不合法的suiteticket" (invalid suite ticket), so that is what the old host answers.
  invalid_suite_ticket: { oapi: { errcode: 40085 }, api: { status: 400, code: 'invalidSuiteTicket' } },
  invalid_auth_info: { oapi: { errcode: 40079 }, api: { status: 400, code: 'invalidAuthInfo' } },
  org_not_exist: { oapi: { errcode: 40079 }, api: { status: 400, code: 'orgNotExist' } },
  org_not_auth_app: { oapi: { errcode: 40079 }, api: { status: 400, code: 'orgNotAuthApp' } },
  invalid_code: { oapi: { errcode: 40078 }, api: { status: 400, code: 'invalidCode' } },
  invalid_agent: { oapi: { errcode: 40056 }, api: { status: 400, code: 'invalidParameter' } },
  missing_agent: { oapi: { errcode: 41011 }, api: { status: 400, code: 'MissingagentId' } },
  user_not_found: { oapi: { errcode: 60121 }, api: { status: 404, code: 'invalidParameter.user.notFound' } },
  dept_not_found: { oapi: { errcode: 60003 }, api: { status: 404, code: 'invalidParameter.dept.notFound' } },
  task_not_found: { oapi: { errcode: 40035 }, api: { status: 404, code: 'invalidParameter.task.notFound' } },
  too_many_recipients: { oapi: { errcode: 41052 }, api: { status: 400, code: 'invalidParameter' } },
  signature_timestamp_format: { oapi: { errcode: 853001 }, api: { status: 400, code: 'invalidParameter' } },
  signature_timestamp_skew: { oapi: { errcode: 853002 }, api: { status: 400, code: 'invalidParameter' } },
  signature_unknown_key: { oapi: { errcode: 853003 }, api: { status: 400, code: 'invalidParameter' } },
  signature_mismatch: { oapi: { errcode: 853004 }, api: { status: 400, code: 'invalidParameter' } },
  unsupported_grant_type: { oapi: { errcode: 40035 }, api: { status: 400, code: 'unsupported.grant.type' } },
  invalid_client: { oapi: { errcode: 40096 }, api: { status: 400, code: 'invalid.client' } },
  unauthorized_client: { oapi: { errcode: 40096 }, api: { status: 401, code: 'unauthorized.client' } },
  // Legacy global table: 43002 "需要POST请求". The new host routes by method, so it never raises this.
  post_required: { oapi: { errcode: 43002 }, api: { status: 405, code: 'MethodNotAllowed' } },
  // [UNVERIFIED code] asyncsend_v2 documents to_all_user for internal apps only; 40035 is the
  // old host's "invalid parameter" (不合法的参数).
  isv_to_all_user: { oapi: { errcode: 40035 }, api: { status: 400, code: 'invalidParameter' } },
  // [UNVERIFIED code] dingtalk-api.md §4.1 says ISV apps created after 2020-11-27 must use
  // sendbytemplate but names no error for asyncsend_v2; such apps lack the plain-send permission,
  // so it is answered like a missing permission.
  template_required: { oapi: { errcode: 88, subCode: '60011' }, api: { status: 403, code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied' } },
  // [UNVERIFIED codes] dingtalk-api.md §4.9 names no errors for media; these are the legacy global
  // table's 不合法的媒体文件类型 / 文件类型 / 文件大小 / 媒体文件id.
  invalid_media_type: { oapi: { errcode: 40004 }, api: { status: 400, code: 'invalidParameter' } },
  invalid_file_type: { oapi: { errcode: 40005 }, api: { status: 400, code: 'invalidParameter' } },
  invalid_file_size: { oapi: { errcode: 40006 }, api: { status: 400, code: 'invalidParameter' } },
  invalid_media_id: { oapi: { errcode: 40007 }, api: { status: 400, code: 'invalidParameter' } },
  // Robot 1:1 messages live on the new host only (dingtalk-api.md §4.8: `invalidParameter.*`,
  // `template.not.existed`); the old-host shapes are never rendered. [UNVERIFIED] exact sub-codes.
  robot_not_found: { oapi: { errcode: 400002 }, api: { status: 400, code: 'invalidParameter.robotCode' } },
  robot_template_not_found: { oapi: { errcode: 400002 }, api: { status: 400, code: 'template.not.existed' } },
  robot_query_key_not_found: { oapi: { errcode: 400002 }, api: { status: 400, code: 'invalidParameter.processQueryKey' } },
  unknown_error: { oapi: { errcode: -1 }, api: { status: 500, code: 'unknownError' } },
};

export interface OapiErrorBody {
  errcode: number;
  errmsg: string;
  sub_code?: string;
  sub_msg?: string;
}

export function oapiErrorBody(err: SimError): OapiErrorBody {
  const shape = ERROR_TABLE[err.reason].oapi;
  const errcode = err.overrides.errcode ?? shape.errcode;
  if (errcode === 88 && shape.subCode !== undefined) {
    return {
      errcode: 88,
      sub_code: shape.subCode,
      sub_msg: err.message,
      errmsg: `ding talk error[subcode=${shape.subCode},submsg=${err.message}]`,
    };
  }
  return { errcode, errmsg: err.message };
}

export function apiErrorShape(err: SimError): { status: number; body: { code: string; message: string; accessdenieddetail?: { requiredScopes: string[] } } } {
  const shape = ERROR_TABLE[err.reason].api;
  const body = { code: err.overrides.apiCode ?? shape.code, message: err.message };
  const requiredScopes = err.overrides.requiredScopes;
  return { status: shape.status, body: requiredScopes ? { ...body, accessdenieddetail: { requiredScopes } } : body };
}

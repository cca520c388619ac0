/**
 * Host-neutral failure raised by the simulator's services. Each host renders it in its own
 * error model (see error-table.ts), so a service never decides status codes or body shapes.
 */
export type SimErrorReason =
  | 'token_missing'
  | 'token_invalid'
  | 'token_expired'
  | 'permission_denied'
  | 'ip_not_allowed'
  | 'dept_outside_scope'
  | 'user_outside_scope'
  | 'qps_limited'
  | 'api_qps_limited'
  | 'monthly_quota'
  | 'system_busy'
  | 'missing_param'
  | 'invalid_param'
  | 'malformed_body'
  | 'bad_content_type'
  | 'invalid_credentials'
  | 'invalid_suite_key'
  | 'invalid_suite_ticket'
  | 'invalid_auth_info'
  | 'org_not_exist'
  | 'org_not_auth_app'
  | 'invalid_code'
  | 'invalid_agent'
  | 'missing_agent'
  | 'user_not_found'
  | 'dept_not_found'
  | 'task_not_found'
  | 'too_many_recipients'
  | 'signature_timestamp_format'
  | 'signature_timestamp_skew'
  | 'signature_unknown_key'
  | 'signature_mismatch'
  | 'unsupported_grant_type'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'post_required'
  | 'isv_to_all_user'
  | 'template_required'
  | 'invalid_media_type'
  | 'invalid_file_type'
  | 'invalid_file_size'
  | 'invalid_media_id'
  | 'robot_not_found'
  | 'robot_template_not_found'
  | 'robot_query_key_not_found'
  | 'unknown_error';

export interface SimErrorOverrides {
  /** Old-host errcode when one endpoint documents a different code for this reason. */
  errcode?: number;
  /** New-host `code` when it depends on the request (e.g. `MissingappKey`). */
  apiCode?: string;
  /** The permissions a refused call needed (new host: `accessdenieddetail.requiredScopes`). */
  requiredScopes?: string[];
}

export class SimError extends Error {
  constructor(
    readonly reason: SimErrorReason,
    message: string,
    readonly overrides: SimErrorOverrides = {},
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export function missingParam(name: string): SimError {
  return new SimError('missing_param', `missing parameter ${name}`, { apiCode: `Missing${name}` });
}

export function invalidParam(name: string, why: string): SimError {
  return new SimError('invalid_param', `invalid parameter ${name}: ${why}`);
}

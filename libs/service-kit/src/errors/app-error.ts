import { ERROR_STATUS, type ErrorCode } from './error-codes';

/** One invalid input field; `path` is prefixed by its location, e.g. `body.msg.text.content`. */
export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  fields?: FieldError[];
  cause?: unknown;
  /** Extra response headers, e.g. `Retry-After` for rate_limited or `WWW-Authenticate` for unauthorized. */
  headers?: Record<string, string>;
  /** The permission a refused caller lacks (code missing_permission); sent as `missingPermission`. */
  permission?: string;
  /** What to fix in DingTalk's consoles (code dingtalk_setup); sent as `dingtalk`. */
  dingtalk?: DingTalkSetup;
  /** The last seq pruned (code events_pruned); sent as `prunedThrough`. */
  prunedThrough?: number;
}

export interface DingTalkSetup {
  problem: string;
  permissions?: string[];
  fix: string;
}

/** An expected failure with a stable code; the status comes from ERROR_STATUS, never from the throw site. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly fields?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly permission?: string;
  readonly dingtalk?: DingTalkSetup;
  readonly prunedThrough?: number;

  constructor(code: ErrorCode, detail: string, options: AppErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.detail = detail;
    if (options.fields) this.fields = options.fields;
    if (options.headers) this.headers = options.headers;
    if (options.permission) this.permission = options.permission;
    if (options.dingtalk) this.dingtalk = options.dingtalk;
    if (options.prunedThrough !== undefined) this.prunedThrough = options.prunedThrough;
  }
}

export const notFound = (detail: string): AppError => new AppError('not_found', detail);
export const unauthorized = (detail: string): AppError => new AppError('unauthorized', detail);
export const forbidden = (detail: string): AppError => new AppError('forbidden', detail);
export const conflict = (detail: string): AppError => new AppError('conflict', detail);

/** 403 naming the permission the caller lacks, in the detail and as the problem's `missingPermission`. */
export function missingPermission(permission: string, detail: string): AppError {
  return new AppError('missing_permission', `${detail} (missing permission: ${permission})`, { permission });
}

export function validationError(fields: FieldError[], detail = describeFields(fields)): AppError {
  return new AppError('validation_failed', detail, { fields });
}

function describeFields(fields: FieldError[]): string {
  if (fields.length === 0) return 'The request is invalid.';
  return `Invalid request: ${fields.map((field) => field.path).join(', ')}.`;
}

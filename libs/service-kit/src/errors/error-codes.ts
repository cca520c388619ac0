// The single code → HTTP status table. Codes are a public contract (clients branch on them), so an app
// that needs a new one adds it here rather than inventing statuses at its call sites.
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  missing_permission: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  /** The tenant's DingTalk app sends work notifications only by template (an ISV suite created after 2020-11-27), or a template send cannot be made. */
  template_required: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  headers_too_large: 431,
  rate_limited: 429,
  internal: 500,
  upstream_error: 502,
  /** DingTalk refused because of its own setup (a permission, the IP allow-list, credentials): fixed in DingTalk's consoles. */
  dingtalk_setup: 502,
  unavailable: 503,
  database_busy: 503,
  upstream_timeout: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** "validation_failed" → "Validation failed": titles follow from codes so there is no second table to keep in sync. */
export function errorTitle(code: ErrorCode): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

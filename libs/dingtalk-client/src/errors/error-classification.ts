/**
 * What a caller should do about a DingTalk error (§5.2 of the API reference). Kinds are actions,
 * not causes, so the retry loop and the product's error mapping need no code lists of their own.
 */
export type ErrorKind =
  /** DingTalk busy or failing: retry with backoff, but only when the call is idempotent. */
  | 'retry-backoff'
  /** Rate limited (QPS/QPM): wait at least a second, then retry. DingTalk did not process the call. */
  | 'throttled'
  /** Access token invalid or expired: refresh it once and retry once. */
  | 'refresh-token'
  /** The suite_ticket was rejected: reload the newest stored ticket or wait for the next push. */
  | 'refresh-suite-ticket'
  /** Wrong credentials, missing permission, IP whitelist, signature or callback set-up: an operator must fix it. */
  | 'fail-config'
  /** Our request was malformed (missing token, bad parameter, unknown path): a bug, do not retry. */
  | 'fail-bad-request'
  /** An OAuth / temporary auth code is unknown, used or expired: the user must log in again. */
  | 'fail-invalid-code'
  /** The org never authorised (or removed) the suite. */
  | 'fail-not-authorized'
  /** The user, userid or department does not exist in this org. */
  | 'not-found'
  /** The org's monthly API quota is exhausted: do not retry this month. */
  | 'quota'
  /** DingTalk banned the server, org or IP: fail and alert, retry much later. */
  | 'banned'
  /** A 2xx answer that is not the documented JSON shape. */
  | 'unexpected-response'
  | 'unknown';

export interface ErrorClassRule {
  readonly kind: ErrorKind;
  /** Old-API `errcode`, or `sub_code` when errcode is the 88 wrapper. */
  readonly errcodes?: readonly number[];
  /** New-API `code`, exact match. */
  readonly codes?: readonly string[];
  /** New-API `code` prefixes (the QPS/QPM family has many members). */
  readonly codePrefixes?: readonly string[];
  readonly meaning: string;
}

/** Set by this client when DingTalk answers with its per-IP block body `{status: 1111, …}`. */
export const IP_BLOCKED_CODE = 'IpBlocked';

export const ERROR_CLASSIFICATION: readonly ErrorClassRule[] = [
  {
    kind: 'retry-backoff',
    errcodes: [-1],
    codes: ['system.busy', 'systemBusy', 'unknownError', 'systemError', 'service.timeout', 'server.error'],
    meaning: 'system busy or server error',
  },
  {
    kind: 'throttled',
    errcodes: [90018, 90002, 90005, 90006, 90007, 90008, 90010, 90014, 45009],
    codePrefixes: ['Forbidden.AccessDenied.Qps', 'Forbidden.AccessDenied.Qpm'],
    meaning: 'per-app / per-org / per-API rate limit',
  },
  {
    kind: 'refresh-token',
    errcodes: [40014, 42001, 40001, 33001, 40082],
    codes: ['InvalidAuthentication', 'accesstoken.expired', 'token.notExisted'],
    meaning: 'access token invalid or expired',
  },
  // 40085 is the legacy global table's "不合法的suiteticket" (the old token endpoints' answer).
  { kind: 'refresh-suite-ticket', errcodes: [40085], codes: ['invalidSuiteTicket'], meaning: 'suite_ticket stale or unknown' },
  {
    kind: 'fail-config',
    errcodes: [60011, 60020, 50002, 50004, 40089, 40096, 41004, 40080, 40083, 71009, 853001, 853002, 853003, 853004],
    codes: [
      'invalidClientIdOrSecret',
      'invalid.client',
      'unauthorized.client',
      'invalidSuiteKey',
      'Forbidden.AccessDenied.AccessTokenPermissionDenied',
      'Forbidden.AccessDenied.IpNotInWhiteList',
    ],
    meaning: 'credentials, permission scope, IP whitelist, contact scope, clock or callback configuration',
  },
  {
    kind: 'fail-bad-request',
    errcodes: [40035, 400002, 43002, 43004, 43009, 40056, 41011, 41001, 40000, 41052, 22, 404],
    codes: ['AuthenticationFailed.MissingParameter', 'unsupported.grant.type', 'template.not.existed'],
    codePrefixes: ['invalidParameter', 'MissingParameter', 'Missing'],
    meaning: 'malformed request, missing token or agentid, unknown path',
  },
  { kind: 'fail-invalid-code', errcodes: [40078, 40102, 41026], codes: ['invalidCode'], meaning: 'auth code unknown, used or expired' },
  {
    kind: 'fail-not-authorized',
    errcodes: [40079, 41030],
    codes: ['invalidAuthInfo', 'orgNotAuthApp', 'orgNotExist'],
    meaning: 'org has not authorised the suite',
  },
  {
    kind: 'not-found',
    errcodes: [60121, 33012, 60003],
    codes: ['invalidParameter.user.notFound', 'invalidParameter.dept.notFound'],
    meaning: 'user / dept not found',
  },
  { kind: 'quota', errcodes: [90020], codes: ['Forbidden.AccessDenied.ApiCountLimitForOrg'], meaning: 'monthly API quota exhausted' },
  { kind: 'banned', errcodes: [90001, 90003, 90004, 90017], codes: [IP_BLOCKED_CODE], meaning: 'server, org or IP banned' },
];

export interface DingTalkErrorCodes {
  errcode?: number;
  subCode?: string;
  code?: string;
  httpStatus?: number;
}

const byErrcode = new Map<number, ErrorKind>();
const byCode = new Map<string, ErrorKind>();
const byPrefix: Array<[string, ErrorKind]> = [];
for (const rule of ERROR_CLASSIFICATION) {
  for (const errcode of rule.errcodes ?? []) byErrcode.set(errcode, rule.kind);
  for (const code of rule.codes ?? []) byCode.set(code, rule.kind);
  for (const prefix of rule.codePrefixes ?? []) byPrefix.push([prefix, rule.kind]);
}

/**
 * Classifies an answer: `sub_code` first (errcode 88 only wraps the real reason), then `errcode`,
 * then the new API's `code`, then the bare HTTP status.
 */
export function classify(err: DingTalkErrorCodes): ErrorKind {
  const sub = err.subCode !== undefined && /^-?\d+$/.test(err.subCode) ? byErrcode.get(Number(err.subCode)) : undefined;
  if (sub) return sub;
  const errcode = err.errcode === undefined ? undefined : byErrcode.get(err.errcode);
  if (errcode) return errcode;
  if (err.code !== undefined) {
    const exact = byCode.get(err.code);
    if (exact) return exact;
    const prefixed = byPrefix.find(([prefix]) => err.code?.startsWith(prefix));
    if (prefixed) return prefixed[1];
  }
  return classifyHttpStatus(err.httpStatus);
}

function classifyHttpStatus(status: number | undefined): ErrorKind {
  if (status === undefined) return 'unknown';
  if (status === 429 || status >= 500) return 'retry-backoff';
  if (status === 401) return 'refresh-token';
  return 'unknown';
}

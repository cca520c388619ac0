import { classify, type ErrorKind } from './error-classification';

/**
 * Whether DingTalk may have acted on a failed call. `rejected`: it definitely did not (it answered
 * with a definite error, or the request never left). `unknown`: it may have (timeout after sending,
 * 5xx, system busy, unreadable 2xx) — for a send, reconcile instead of retrying.
 */
export type CallOutcome = 'rejected' | 'unknown';

export interface DingTalkApiErrorInit {
  method: string;
  path: string;
  httpStatus?: number;
  errcode?: number;
  subCode?: string;
  subMsg?: string;
  errmsg?: string;
  code?: string;
  /** DingTalk's own message (new API). */
  dingtalkMessage?: string;
  requestId?: string;
  /** Permissions DingTalk says the app lacks (60011 / AccessTokenPermissionDenied). */
  requiredScopes?: string[];
  /** Overrides the classification (used for unreadable answers). */
  kind?: ErrorKind;
}

/**
 * DingTalk answered, and the answer is an error (either API generation). Never contains tokens: it
 * keeps no `cause`, because what we could wrap (a parse error, the request) may hold the answer's
 * or the request's credentials, and loggers copy every property they find.
 */
export class DingTalkApiError extends Error {
  override readonly name = 'DingTalkApiError';
  readonly method: string;
  /** URL path only: the query (which may hold access_token) is never kept. */
  readonly path: string;
  readonly httpStatus?: number;
  readonly errcode?: number;
  readonly subCode?: string;
  readonly subMsg?: string;
  readonly errmsg?: string;
  readonly code?: string;
  /** DingTalk's request id (`request_id` on oapi, `requestid` on api) for support tickets. */
  readonly requestId?: string;
  /** Permissions DingTalk says the app lacks, when it names them. */
  readonly requiredScopes?: string[];
  readonly kind: ErrorKind;
  readonly outcome: CallOutcome;

  constructor(init: DingTalkApiErrorInit) {
    super(describe(init));
    this.method = init.method;
    this.path = init.path;
    this.httpStatus = init.httpStatus;
    this.errcode = init.errcode;
    this.subCode = init.subCode;
    this.subMsg = init.subMsg;
    this.errmsg = init.errmsg;
    this.code = init.code;
    this.requestId = init.requestId;
    if (init.requiredScopes) this.requiredScopes = init.requiredScopes;
    this.kind = init.kind ?? classify(init);
    const ambiguous = this.kind === 'retry-backoff' || this.kind === 'unexpected-response' || (init.httpStatus ?? 0) >= 500;
    this.outcome = ambiguous ? 'unknown' : 'rejected';
  }
}

export type TransportFailure = 'timeout' | 'connection' | 'aborted';

export interface DingTalkTransportErrorInit {
  method: string;
  /** URL path only, never the query (old-host tokens and app secrets travel there). */
  path: string;
  reason: TransportFailure;
  mayHaveReachedServer: boolean;
  /** The socket or DNS error code (`ECONNRESET`, `ENOTFOUND`, …) when there is one. */
  networkCode?: string;
}

/**
 * No answer from DingTalk: deadline exceeded, connection refused/reset, DNS failure. It carries
 * only the fields below and no `cause`: the transport's own error holds the whole request (URL
 * with `access_token=`/`appsecret=`, body with `appSecret`/`code`), and a logger copies it all.
 */
export class DingTalkTransportError extends Error {
  override readonly name = 'DingTalkTransportError';
  readonly method: string;
  readonly path: string;
  readonly reason: TransportFailure;
  readonly networkCode?: string;
  /** False only when the request provably never left (refused, DNS): then even a send may be retried. */
  readonly mayHaveReachedServer: boolean;
  readonly outcome: CallOutcome;

  constructor(init: DingTalkTransportErrorInit) {
    const code = init.networkCode ? ` ${init.networkCode}` : '';
    super(`DingTalk ${init.method} ${init.path}: ${init.reason}${code}${init.mayHaveReachedServer ? ' (may have reached DingTalk)' : ''}`);
    this.method = init.method;
    this.path = init.path;
    this.reason = init.reason;
    if (init.networkCode) this.networkCode = init.networkCode;
    this.mayHaveReachedServer = init.mayHaveReachedServer;
    this.outcome = init.mayHaveReachedServer ? 'unknown' : 'rejected';
  }
}

/** The suite token or a corp token was needed but the SuiteTicketSource has no ticket yet. */
export class SuiteTicketUnavailableError extends Error {
  override readonly name = 'SuiteTicketUnavailableError';
  readonly kind: ErrorKind = 'refresh-suite-ticket';

  constructor(readonly suiteKey: string) {
    super(`no suite_ticket available for suite ${suiteKey}: wait for DingTalk to push one`);
  }
}

function describe(init: DingTalkApiErrorInit): string {
  const parts = [`DingTalk ${init.method} ${init.path} failed:`];
  if (init.httpStatus !== undefined) parts.push(`HTTP ${init.httpStatus}`);
  if (init.errcode !== undefined) parts.push(`errcode=${init.errcode}`);
  if (init.subCode !== undefined) parts.push(`sub_code=${init.subCode}`);
  if (init.code !== undefined) parts.push(`code=${init.code}`);
  const text = init.subMsg ?? init.errmsg ?? init.dingtalkMessage;
  if (text) parts.push(`— ${text}`);
  return parts.join(' ');
}

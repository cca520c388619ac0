import { countsAgainstMonthlyQuota } from './monthly-quota';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { DingTalkApiError, DingTalkTransportError } from '../errors/dingtalk-errors';
import type { RateLimiter } from '../rate-limit/rate-limiter';
import type { TokenSource } from '../tokens/token-broker';
import { parseResponse } from './response-parser';
import { decideRetry, type RetryOptions } from './retry-policy';
import { multipartBody, type MultipartFile } from './multipart';
import type { HttpRequest, HttpSend } from './transport';
import { describeTransportFailure } from './transport-failure';
import { buildQuery, type QueryValue } from './url';

export interface BaseUrls {
  /** OAuth login pages. Default https://login.dingtalk.com */
  loginBaseUrl: string;
  /** New API (v1.0). Default https://api.dingtalk.com */
  apiBaseUrl: string;
  /** Old API (gettoken, topapi, service, sns). Default https://oapi.dingtalk.com */
  oapiBaseUrl: string;
}

/** One HTTP attempt, as metrics see it. */
export interface CallRecord {
  host: 'api' | 'oapi';
  /** The API path (no query: tokens travel there on the old host). */
  path: string;
  /** Whose call it is: the rate-limit identity (`app:<appKey>`, `corp:<suiteKey>:<corpId>`, `suite:<suiteKey>`). */
  rateKey: string;
  /** Whether DingTalk counts it against the org's monthly API quota (not tokens, login or contacts). */
  counted: boolean;
  /** `ok`, DingTalk's code (`90018`, `60011`, `InvalidAuthentication`, `http_502`), or the transport failure (`timeout`). */
  result: string;
  durationMs: number;
}

export interface ApiCallerConfig {
  baseUrls: BaseUrls;
  send: HttpSend;
  timeoutMs: number;
  retry: Required<RetryOptions>;
  limiter: RateLimiter | undefined;
  requestId: () => string | undefined;
  onCall?: (call: CallRecord) => void;
}

export interface CallSpec<T> {
  host: 'api' | 'oapi';
  method: 'GET' | 'POST';
  path: string;
  schema: z.ZodType<T>;
  /** See AttemptState.idempotent: false for sends, recalls and one-time-code exchanges. */
  idempotent: boolean;
  /** Identity the rate-limit bucket belongs to (`app:<key>`, `corp:<suite>:<corp>`, …). */
  rateKey: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** A refreshable token source, or a caller-supplied token string (never refreshed). */
  auth?: TokenSource | string;
  /** Old-host query parameter for the token; `/service/*` calls use `suite_access_token`. Default `access_token`. */
  tokenParam?: string;
  /** A file sent as multipart/form-data instead of a JSON body. Its stream is read once: the call is never retried. */
  upload?: MultipartFile;
  /** Deadline for this call instead of the client's default (uploads take longer). */
  timeoutMs?: number;
}

/** Runs one DingTalk call: rate limit, token placement, deadline, parsing, retries, one token refresh. */
export class ApiCaller {
  constructor(private readonly config: ApiCallerConfig) {}

  async call<T>(spec: CallSpec<T>): Promise<T> {
    let canRefreshToken = typeof spec.auth === 'object';
    for (let attempt = 1; ;) {
      const token = await resolveToken(spec.auth);
      try {
        return await this.attempt(spec, token);
      } catch (err) {
        if (spec.upload) throw err;
        const decision = decideRetry(err, { attempt, idempotent: spec.idempotent, canRefreshToken }, this.config.retry);
        if (decision.action === 'fail') throw err;
        if (decision.action === 'refresh-token') {
          canRefreshToken = false;
          if (typeof spec.auth === 'object' && token !== undefined) await spec.auth.invalidate(token);
          continue;
        }
        attempt += 1;
        await sleep(decision.delayMs);
      }
    }
  }

  private async attempt<T>(spec: CallSpec<T>, token: string | undefined): Promise<T> {
    await this.config.limiter?.acquire(spec.rateKey, spec.path);
    const base = spec.host === 'api' ? this.config.baseUrls.apiBaseUrl : this.config.baseUrls.oapiBaseUrl;
    const headers: Record<string, string> = { accept: 'application/json' };
    const query = { ...spec.query };
    // Token placement differs per host and each host ignores the other's placement (§0.1).
    if (token !== undefined && spec.host === 'oapi') query[spec.tokenParam ?? 'access_token'] = token;
    if (token !== undefined && spec.host === 'api') headers['x-acs-dingtalk-access-token'] = token;
    const requestId = this.config.requestId();
    if (requestId) headers['x-request-id'] = requestId;
    let body: HttpRequest['body'];
    if (spec.upload) {
      const multipart = multipartBody(spec.upload);
      body = multipart.body;
      headers['content-type'] = multipart.contentType;
    } else if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers['content-type'] = 'application/json';
    }
    const deadline = AbortSignal.timeout(spec.timeoutMs ?? this.config.timeoutMs);
    const url = `${base.replace(/\/+$/, '')}${spec.path}${buildQuery(query)}`;
    const started = performance.now();
    const record = (result: string) =>
      this.config.onCall?.({
        host: spec.host,
        path: spec.path,
        rateKey: spec.rateKey,
        counted: countsAgainstMonthlyQuota(spec.path),
        result,
        durationMs: performance.now() - started,
      });
    let response;
    try {
      response = await this.config.send({ method: spec.method, url, headers, body, signal: deadline });
    } catch (failure) {
      // Described, not wrapped: the transport's error holds the URL and body with their credentials.
      const error = new DingTalkTransportError({ method: spec.method, path: spec.path, ...describeTransportFailure(failure, deadline) });
      record(error.reason);
      throw error;
    }
    try {
      const parsed = parseResponse(response, spec.schema, { method: spec.method, path: spec.path });
      record('ok');
      return parsed;
    } catch (error) {
      record(error instanceof DingTalkApiError ? resultCode(error) : 'error');
      throw error;
    }
  }
}

/** The code DingTalk answered with: the wrapped sub_code, the errcode, the new host's code, else the HTTP status. */
function resultCode(error: DingTalkApiError): string {
  if (error.errcode === 88 && error.subCode !== undefined) return error.subCode;
  if (error.errcode !== undefined) return String(error.errcode);
  return error.code ?? `http_${error.httpStatus ?? 'error'}`;
}

async function resolveToken(auth: TokenSource | string | undefined): Promise<string | undefined> {
  if (auth === undefined || typeof auth === 'string') return auth;
  return auth.get();
}

import type { z } from 'zod';
import { DingTalkApiError } from '../errors/dingtalk-errors';
import { IP_BLOCKED_CODE } from '../errors/error-classification';
import type { HttpResponse } from './transport';

export interface ParseContext {
  method: string;
  path: string;
}

type Json = Record<string, unknown>;

/**
 * Turns one HTTP answer into data or a DingTalkApiError. Both generations are handled on both
 * hosts, because the new host answers unknown paths with an old-style `{errcode: 404}` body.
 */
export function parseResponse<T>(response: HttpResponse, schema: z.ZodType<T>, ctx: ParseContext): T {
  const { status } = response;
  const json = parseJsonObject(response.body);
  if (!json) {
    throw new DingTalkApiError({
      ...ctx,
      httpStatus: status,
      kind: status >= 500 || status === 429 ? 'retry-backoff' : 'unexpected-response',
      dingtalkMessage: 'answer is not a JSON object',
    });
  }
  if (json.status === 1111) throw new DingTalkApiError({ ...ctx, httpStatus: status, code: IP_BLOCKED_CODE, dingtalkMessage: 'source IP blocked' });
  if (typeof json.errcode === 'number' && json.errcode !== 0) throw oldStyleError(json, status, ctx);
  if (status < 200 || status > 299) throw newStyleError(json, status, ctx);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new DingTalkApiError({
      ...ctx,
      httpStatus: status,
      kind: 'unexpected-response',
      dingtalkMessage: `answer does not match the documented shape: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    });
  }
  return parsed.data;
}

function oldStyleError(json: Json, status: number, ctx: ParseContext): DingTalkApiError {
  const errmsg = str(json.errmsg);
  return new DingTalkApiError({
    ...ctx,
    httpStatus: status,
    errcode: json.errcode as number,
    // Some gateways only repeat the wrapped reason inside errmsg: "ding talk error[subcode=90018,submsg=…]".
    subCode: str(json.sub_code) ?? errmsg?.match(/subcode=(-?\d+)/)?.[1],
    subMsg: str(json.sub_msg),
    errmsg,
    requiredScopes: scopesInText(str(json.sub_msg) ?? errmsg),
    requestId: str(json.request_id),
  });
}

/** The old host names missing permissions only in prose: "…requiredScopes:[qyapi_get_member]". */
function scopesInText(text: string | undefined): string[] | undefined {
  const list = text?.match(/requiredScopes\W*\[([^\]]*)\]/)?.[1];
  const scopes = list?.split(/[\s,"']+/).filter((scope) => scope !== '');
  return scopes && scopes.length > 0 ? scopes : undefined;
}

/** The new host's 403 carries them as data: `accessdenieddetail.requiredScopes`. */
function scopesInDetail(json: Json): string[] | undefined {
  const detail = json.accessdenieddetail;
  const scopes = typeof detail === 'object' && detail !== null ? (detail as Json).requiredScopes : undefined;
  return Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string') && scopes.length > 0 ? (scopes as string[]) : undefined;
}

function newStyleError(json: Json, status: number, ctx: ParseContext): DingTalkApiError {
  return new DingTalkApiError({
    ...ctx,
    httpStatus: status,
    code: str(json.code),
    dingtalkMessage: str(json.message),
    requiredScopes: scopesInDetail(json) ?? scopesInText(str(json.message)),
    requestId: str(json.requestid) ?? str(json.requestId) ?? str(json.request_id),
  });
}

function parseJsonObject(body: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** Codes arrive as strings or numbers depending on the gateway; keep them as strings. */
function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

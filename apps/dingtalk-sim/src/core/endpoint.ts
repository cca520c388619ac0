import type { Request, RequestHandler, Response } from 'express';
import { authenticate, extractToken, type Host } from '../auth/token-guard';
import { clientKeyOf, type Principal, type TokenKind } from '../auth/principal';
import type { World } from '../world';
import { checkAccess } from '../access/access-check';
import { checkMonthlyQuota } from '../limits/monthly-quota';
import { checkRateLimits } from '../limits/rate-check';
import { locals } from './http-locals';
import { ParamReader } from './params';
import { sendApiError, sendApiOk, sendOapiError, sendOapiOk } from './replies';
import { SimError } from './sim-error';

export interface EndpointInput {
  world: World;
  params: ParamReader;
  query: Record<string, string>;
  pathParams: Record<string, string>;
  /** The Host the caller used (answers that name a URL of this simulator use it). */
  requestHost: string;
  /** The request itself, for a multipart endpoint to stream its file from. */
  request: Request;
  principal?: Principal;
}

export interface EndpointSpec {
  /** Token kinds accepted; absent = unauthenticated (token endpoints, signed endpoints). */
  auth?: readonly TokenKind[];
  /** Old-host query parameter carrying the token (`suite_access_token` on /service/*). */
  tokenParam?: string;
  /** Rate-limit identity of an unauthenticated call (e.g. the appKey asking for a token). */
  clientKey?: (input: EndpointInput) => string | undefined;
  handle: (input: EndpointInput) => object | Promise<object>;
  /** Takes multipart/form-data (its parameters in the query; the handler reads the file from `request`). */
  multipart?: boolean;
}

export function queryOf(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.originalUrl, 'http://sim').searchParams);
}

function bodyFields(host: Host, res: Response, query: Record<string, string>, tokenParam: string, multipart: boolean): Record<string, unknown> {
  const body = locals(res).body;
  if (body.kind === 'invalid') {
    if (body.problem === 'content_type') throw new SimError('bad_content_type', 'unsupported content-type, send application/json');
    throw new SimError('malformed_body', body.problem === 'too_large' ? 'request body too large' : 'request body is not valid JSON');
  }
  if (body.kind === 'form' && host === 'api') throw new SimError('bad_content_type', 'unsupported content-type, send application/json');
  if (body.kind === 'multipart') {
    if (!multipart) throw new SimError('bad_content_type', 'unsupported content-type, send application/json');
    return host === 'oapi' ? Object.fromEntries(Object.entries(query).filter(([key]) => key !== tokenParam)) : {};
  }
  if (body.kind === 'json' && (body.value === null || typeof body.value !== 'object' || Array.isArray(body.value))) {
    throw new SimError('malformed_body', 'request body must be a JSON object');
  }
  const fields = body.kind === 'none' ? {} : (body.value as Record<string, unknown>);
  // The old host's TOP gateway merges query and body parameters; the body wins.
  if (host === 'oapi') {
    const merged: Record<string, unknown> = { ...query, ...fields };
    delete merged[tokenParam];
    return merged;
  }
  return fields;
}

/**
 * Wraps one simulated DingTalk API: body checks, token placement and validity, QPS buckets, then
 * the handler; every outcome is rendered in the host's own success/error model.
 */
export function endpoint(world: World, host: Host, apiPath: string, spec: EndpointSpec): RequestHandler {
  const ok = host === 'oapi' ? sendOapiOk : sendApiOk;
  const fail = host === 'oapi' ? sendOapiError : sendApiError;
  // Every `/topapi/...` and `/service/...` call is documented as POST (dingtalk-api.md §1.2, §3, §4);
  // the TOP gateway refuses a GET before looking at the token.
  const postOnly = host === 'oapi' && (apiPath.startsWith('/topapi/') || apiPath.startsWith('/service/'));
  return async (req, res) => {
    const state = locals(res);
    try {
      if (postOnly && req.method !== 'POST') throw new SimError('post_required', `${apiPath} requires POST`);
      const query = queryOf(req);
      const tokenParam = spec.tokenParam ?? 'access_token';
      const token = spec.auth ? extractToken(host, req, query, state.body, tokenParam) : undefined;
      const input: EndpointInput = {
        world,
        params: new ParamReader(bodyFields(host, res, query, tokenParam, spec.multipart === true), host === 'oapi' ? 'loose' : 'strict'),
        request: req,
        query,
        pathParams: req.params as Record<string, string>,
        requestHost: req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? ''}`,
      };
      if (spec.auth) input.principal = authenticate(world, host, token, spec.auth, state.revokeUsedToken === true);
      const clientKey = input.principal ? clientKeyOf(input.principal) : (spec.clientKey?.(input) ?? `ip:${req.socket.remoteAddress ?? ''}`);
      if (state.logEntry) state.logEntry.clientKey = clientKey;
      checkRateLimits(world, clientKey, apiPath);
      checkAccess(world, input.principal, apiPath, req.socket.remoteAddress ?? '');
      checkMonthlyQuota(world, input.principal, apiPath);
      ok(res, await spec.handle(input));
    } catch (err) {
      if (err instanceof SimError) return fail(res, err);
      // A simulator bug: say so loudly, but still answer in the host's error model.
      console.error(`dingtalk-sim: unexpected error on ${req.method} ${apiPath}`, err);
      fail(res, new SimError('unknown_error', 'system error'));
    }
  };
}

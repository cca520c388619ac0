import type { Response } from 'express';
import { apiErrorShape, oapiErrorBody } from './error-table';
import { apiRequestId, oapiRequestId } from './ids';
import { locals } from './http-locals';
import type { SimError } from './sim-error';

// Content types exactly as each host sends them (dingtalk-api.md §0.1).
const OAPI_JSON = 'application/json;charset=UTF-8';
const API_JSON = 'application/json;charset=utf-8';

function write(res: Response, status: number, contentType: string, payload: string, outcome: { errcode?: number; code?: string }): void {
  const state = locals(res);
  if (state.logEntry) {
    state.logEntry.httpStatus = state.swallow ? 0 : status;
    if (outcome.errcode !== undefined) state.logEntry.errcode = outcome.errcode;
    if (outcome.code !== undefined) state.logEntry.code = outcome.code;
  }
  if (state.resetInsteadOfAnswer) resetConnection(res);
  if (state.swallow || res.headersSent) return;
  res.status(status).setHeader('content-type', contentType);
  res.end(payload);
}

/** A TCP reset (RST) instead of any answer, as a gateway or a middlebox dropping the connection sends. */
export function resetConnection(res: Response): void {
  const socket = res.socket;
  if (socket && !socket.destroyed) socket.resetAndDestroy();
}

/** Old-host success: HTTP 200, `errcode 0` envelope plus a base36 `request_id`. */
export function sendOapiOk(res: Response, fields: object): void {
  const body = { errcode: 0, errmsg: 'ok', ...fields, request_id: oapiRequestId() };
  write(res, 200, OAPI_JSON, JSON.stringify(body), { errcode: 0 });
}

/** Old-host failure: still HTTP 200, numeric errcode (88-wrapped for auth/gateway reasons). */
export function sendOapiError(res: Response, err: SimError): void {
  const body = { ...oapiErrorBody(err), request_id: oapiRequestId() };
  write(res, 200, OAPI_JSON, JSON.stringify(body), { errcode: body.errcode });
}

/** New-host success: a bare JSON object, request id only in the `x-acs-request-id` header. */
export function sendApiOk(res: Response, body: object): void {
  res.setHeader('x-acs-request-id', apiRequestId());
  write(res, 200, API_JSON, JSON.stringify(body), {});
}

/** New-host failure: HTTP 4xx/5xx with `{code, message, requestid}` (uppercase GUID). */
export function sendApiError(res: Response, err: SimError): void {
  const { status, body } = apiErrorShape(err);
  const requestid = apiRequestId();
  res.setHeader('x-acs-request-id', requestid);
  write(res, status, API_JSON, JSON.stringify({ ...body, requestid }), { code: body.code });
}

/** New host, unrouted path: HTTP 200 with an old-style body (PROBE P12). */
export function sendApiUnknownPath(res: Response): void {
  write(res, 200, API_JSON, JSON.stringify({ errcode: 404, errmsg: 'URI not found' }), { errcode: 404 });
}

/**
 * Injected 5xx. The old host sits behind a Tengine gateway whose 5xx pages are HTML, so clients
 * must cope with a non-JSON body there; the new host answers its JSON error model.
 */
export function sendGatewayFailure(res: Response, host: 'oapi' | 'api'): void {
  if (host === 'api') {
    const requestid = apiRequestId();
    const body = { code: 'ServiceUnavailable', message: 'The request has failed due to a temporary failure of the server.', requestid };
    write(res, 503, API_JSON, JSON.stringify(body), { code: body.code });
    return;
  }
  const html = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>Tengine</center></body></html>';
  write(res, 502, 'text/html', html, {});
}

/** Per-IP block answer (dingtalk-api.md §5.1): no errcode, an anti-abuse JSON blob. */
export function sendIpBan(res: Response, waitSeconds: number): void {
  const body = { status: 1111, wait: waitSeconds, source: 'x5', punish: 'deny', uuid: apiRequestId().toLowerCase() };
  write(res, 200, 'application/json', JSON.stringify(body), {});
}

export function sendHtml(res: Response, status: number, html: string): void {
  write(res, status, 'text/html; charset=utf-8', html, {});
}

export function sendRedirect(res: Response, location: string): void {
  if (!locals(res).swallow) res.setHeader('location', location);
  write(res, 302, 'text/plain; charset=utf-8', `Found. Redirecting to ${location}`, {});
}

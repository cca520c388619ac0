// The store's only outbound dependency: the cloud gateway's pull API, login-ticket lookup, user-token
// revocation, and the sends and directory syncs it relays, authenticated with the tenant API key.
import type { Readable } from 'node:stream';
import axios, { isCancel, type AxiosRequestConfig } from 'axios';
import {
  AcceptedMessageSchema,
  LoginTicketSchema,
  UploadedMediaSchema,
  type AcceptedMessage,
  type LoginTicket,
  type MediaType,
  type SendMessageBody,
  type UploadedMediaView,
} from '@dtg/contracts';
import { currentRequestId, parseJson, REQUEST_ID_HEADER } from '@dtg/service-kit';
import { z } from 'zod';
import { multipartBody } from './multipart-upload';

/**
 * Requests to the cloud through axios on node:http (keep-alive agent), not the global fetch: the
 * first fetch() loads undici and its WebAssembly HTTP parser, measured at +16 MB resident for
 * good and a ~30 MB peak in a store that otherwise never needs them. Every status is an answer
 * (callers read it), the body stays text for parseJson, nothing is followed or capped.
 */
const request = (config: AxiosRequestConfig) =>
  axios.request<string>({
    ...config,
    responseType: 'text',
    transformResponse: (data: string) => data,
    validateStatus: () => true,
    maxRedirects: 0,
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
  });

/**
 * Events stay `unknown` here: each one is validated on its own by the apply path, so one event
 * this store cannot read is parked instead of making the whole page (and every later one) unreadable.
 */
const RawEventsPageSchema = z.object({
  events: z.array(z.unknown()),
  next: z.number().int().nonnegative(),
  /** The cloud's newest seq for this tenant (absent from clouds before 2026-12). */
  lastSeq: z.number().int().nonnegative().optional(),
});

export type RawEventsPage = z.infer<typeof RawEventsPageSchema>;

/** What the cloud answered a relayed call with, for the store to pass on or act on. */
export type CloudAnswer<T> = { ok: true; value: T } | { ok: false; status: number; body: unknown };

export interface CloudClient {
  fetchEvents(after: number, limit: number): Promise<RawEventsPage>;
  /** Undefined when the cloud does not know the ticket (unknown, expired or already fetched). */
  fetchLoginTicket(ticket: string): Promise<LoginTicket | undefined>;
  /** Resolves once the cloud has revoked the user token with this id (it refuses it from then on). */
  revokeUserToken(tokenId: string): Promise<void>;
  /** POST /v1/messages; a non-2xx answer is returned (the caller decides whether it is final), a transport failure thrown. */
  sendMessage(body: SendMessageBody, idempotencyKey: string): Promise<CloudAnswer<AcceptedMessage>>;
  /**
   * POST /v1/media: the file streamed on to the cloud as it arrives (never held whole), as a
   * multipart body of known length. The cloud's refusal (413, 415, 502 …) is returned.
   */
  uploadMedia(media: MediaRelay): Promise<CloudAnswer<UploadedMediaView>>;
  /** POST /v1/directory/sync and GET /v1/directory/sync/:id, answered as the cloud answers them. */
  startDirectorySync(body: unknown): Promise<CloudAnswer<unknown>>;
  directorySync(id: string): Promise<CloudAnswer<unknown>>;
  /** POST /v1/in-app-logins: an in-app auth code (免登) → a login ticket bound to `binding`; the cloud's refusal is returned. */
  inAppLogin(authCode: string, binding: string): Promise<CloudAnswer<{ ticket: string }>>;
  /** POST /v1/jsapi-signatures: what an H5 page at `url` passes to dd.config. */
  jsapiSignature(url: string): Promise<CloudAnswer<JsapiSignature>>;
}

export interface MediaRelay {
  type: MediaType;
  filename: string;
  contentType: string;
  /** Exact byte count of `content` (the multipart body's length is computed from it). */
  size: number;
  content: Readable;
}

/** A 20 MB file on a slow uplink takes far longer than an API call's deadline. */
const UPLOAD_TIMEOUT_MS = 120_000;

export const JsapiSignatureSchema = z.object({
  corpId: z.string(),
  agentId: z.number().int().nullable(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  signature: z.string(),
});
export type JsapiSignature = z.infer<typeof JsapiSignatureSchema>;
const InAppLoginSchema = z.object({ ticket: z.string().min(1) });

/** The cloud could not be reached or answered something unusable. Never carries the API key. */
export class CloudRequestError extends Error {
  override readonly name = 'CloudRequestError';

  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CloudClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-request deadline in milliseconds. Default 10000. */
  timeoutMs?: number;
}

/**
 * 410 events_pruned: the events right after the asked seq are gone at the cloud (retention pruned
 * them, or a restore from backup skipped their seqs). Catching up event by event is impossible; the
 * store resyncs and pulls on after `prunedThrough`.
 */
export class EventsPrunedError extends CloudRequestError {
  constructor(readonly prunedThrough: number) {
    super(`cloud pruned events up to seq ${prunedThrough}`, 410);
  }
}

function prunedThrough(body: unknown): number | undefined {
  const problem = body as { code?: unknown; prunedThrough?: unknown } | null;
  return problem?.code === 'events_pruned' && typeof problem.prunedThrough === 'number' ? problem.prunedThrough : undefined;
}

export function createCloudClient(options: CloudClientOptions): CloudClient {
  const call = async (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> => {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, accept: 'application/json', ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const requestId = currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    try {
      const response = await request({
        url: `${options.baseUrl}${path}`,
        method,
        headers,
        data: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      return { status: response.status, body: parseJson(response.data) };
    } catch (error) {
      throw new CloudRequestError(`cloud unreachable: ${method} ${pathOnly(path)}: ${describeRequestError(error)}`, undefined, { cause: error });
    }
  };
  const get = (path: string) => call('GET', path);
  const answer = <T>(reply: { status: number; body: unknown }, parse: (body: unknown) => T): CloudAnswer<T> =>
    reply.status >= 200 && reply.status < 300 ? { ok: true, value: parse(reply.body) } : { ok: false, status: reply.status, body: reply.body };

  return {
    async fetchEvents(after, limit) {
      const path = `/v1/events?after=${after}&limit=${limit}`;
      const { status, body } = await get(path);
      const pruned = status === 410 ? prunedThrough(body) : undefined;
      if (pruned !== undefined) throw new EventsPrunedError(pruned);
      if (status !== 200) throw new CloudRequestError(`cloud answered ${status} to GET /v1/events`, status);
      const page = RawEventsPageSchema.safeParse(body);
      if (!page.success) throw new CloudRequestError('cloud sent an events page that does not match the contract', status);
      return page.data;
    },

    async fetchLoginTicket(ticket) {
      const { status, body } = await get(`/v1/login-tickets/${encodeURIComponent(ticket)}`);
      if (status === 404) return undefined;
      if (status !== 200) throw new CloudRequestError(`cloud answered ${status} to GET /v1/login-tickets/:ticket`, status);
      const parsed = LoginTicketSchema.safeParse(body);
      if (!parsed.success) throw new CloudRequestError('cloud sent a login ticket that does not match the contract', status);
      return parsed.data;
    },

    async revokeUserToken(tokenId) {
      const { status } = await call('DELETE', `/v1/user-tokens/${encodeURIComponent(tokenId)}`);
      if (status !== 204) throw new CloudRequestError(`cloud answered ${status} to DELETE /v1/user-tokens/:tokenId`, status);
    },

    async sendMessage(body, idempotencyKey) {
      const reply = await call('POST', '/v1/messages', body, { 'idempotency-key': idempotencyKey });
      return answer(reply, (value) => {
        const parsed = AcceptedMessageSchema.safeParse(value);
        if (!parsed.success) throw new CloudRequestError('cloud accepted a message with an answer that does not match the contract', reply.status);
        return parsed.data;
      });
    },

    async uploadMedia(media) {
      const path = `/v1/media?type=${encodeURIComponent(media.type)}`;
      const multipart = multipartBody({ field: 'media', filename: media.filename, contentType: media.contentType, size: media.size, content: media.content });
      const headers: Record<string, string> = {
        authorization: `Bearer ${options.apiKey}`,
        accept: 'application/json',
        'content-type': multipart.contentType,
        'content-length': String(multipart.length),
      };
      const requestId = currentRequestId();
      if (requestId) headers[REQUEST_ID_HEADER] = requestId;
      let reply: { status: number; body: unknown };
      try {
        // The multipart body streams through (never buffered whole); its content-length is set above.
        const response = await request({
          url: `${options.baseUrl}${path}`,
          method: 'POST',
          headers,
          data: multipart.body,
          signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
        });
        reply = { status: response.status, body: parseJson(response.data) };
      } catch (error) {
        // The upload stream's own failure (the browser's connection dropped, too many bytes) is the error itself.
        throw new CloudRequestError(`cloud unreachable: POST /v1/media: ${describeRequestError(error)}`, undefined, { cause: error });
      }
      return answer(reply, (value) => {
        const parsed = UploadedMediaSchema.safeParse(value);
        if (!parsed.success) throw new CloudRequestError('cloud answered an upload with an answer that does not match the contract', reply.status);
        return parsed.data;
      });
    },

    async inAppLogin(authCode, binding) {
      const reply = await call('POST', '/v1/in-app-logins', { authCode, binding });
      return answer(reply, (value) => {
        const parsed = InAppLoginSchema.safeParse(value);
        if (!parsed.success) throw new CloudRequestError('cloud answered an in-app login with an answer that does not match the contract', reply.status);
        return parsed.data;
      });
    },

    async jsapiSignature(url) {
      const reply = await call('POST', '/v1/jsapi-signatures', { url });
      return answer(reply, (value) => {
        const parsed = JsapiSignatureSchema.safeParse(value);
        if (!parsed.success) throw new CloudRequestError('cloud answered a JSAPI signature that does not match the contract', reply.status);
        return parsed.data;
      });
    },

    async startDirectorySync(body) {
      return answer(await call('POST', '/v1/directory/sync', body), (value) => value);
    },

    async directorySync(id) {
      return answer(await get(`/v1/directory/sync/${encodeURIComponent(id)}`), (value) => value);
    },
  };
}

/** Why a request got no answer: a timeout, or the socket's code (ECONNREFUSED, ECONNRESET) rather than a generic message. */
function describeRequestError(error: unknown): string {
  // AxiosError carries its cause's code (AxiosError.from); a deadline's abort is a CanceledError.
  const { message, code } = error as { message?: string; code?: string };
  if (isCancel(error)) return 'timed out';
  return code ?? message ?? String(error);
}

/** Ticket values are credentials; error messages name the route, never the path's secret part. */
function pathOnly(path: string): string {
  return path.startsWith('/v1/login-tickets/') ? '/v1/login-tickets/:ticket' : (path.split('?')[0] ?? path);
}

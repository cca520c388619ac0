import { Readable } from 'node:stream';
import axios, { type AxiosInstance } from 'axios';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** JSON text, or a stream (a multipart upload), which can be sent only once. */
  body?: string | Readable;
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Raw body text; parsing belongs to the response parser so both transports behave the same. */
  body: string;
}

/** Minimal shape of the WHATWG `fetch` (Node's global fetch, undici, or a test double). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | ReadableStream; duplex?: 'half'; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

/** An axios instance (the default is a fresh `axios.create()`) or a fetch-like function. */
export type Transport = AxiosInstance | FetchLike;

export type HttpSend = (request: HttpRequest) => Promise<HttpResponse>;

export function toHttpSend(transport: Transport = axios.create()): HttpSend {
  return isAxios(transport) ? axiosSend(transport) : fetchSend(transport);
}

function isAxios(transport: Transport): transport is AxiosInstance {
  return typeof (transport as AxiosInstance).request === 'function' && 'interceptors' in transport;
}

function axiosSend(instance: AxiosInstance): HttpSend {
  return async (request) => {
    const response = await instance.request<string>({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body,
      signal: request.signal,
      // Status and body are interpreted by the response parser, never by axios.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
    });
    return { status: response.status, body: typeof response.data === 'string' ? response.data : String(response.data ?? '') };
  };
}

function fetchSend(fetchLike: FetchLike): HttpSend {
  return async (request) => {
    const response = await fetchLike(request.url, {
      method: request.method,
      headers: request.headers,
      // fetch streams a request body only as a web stream, and only with duplex 'half'.
      ...(request.body instanceof Readable ? { body: Readable.toWeb(request.body) as ReadableStream, duplex: 'half' as const } : { body: request.body }),
      signal: request.signal,
    });
    return { status: response.status, body: await response.text() };
  };
}

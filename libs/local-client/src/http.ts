// The transport: fetch with a bearer token and a deadline; an answer that is not 2xx becomes a
// LocalStoreError carrying the store's problem+json (code, field errors, request id).

/** A field the store named as wrong, e.g. `query.deptId`. */
export interface FieldProblem {
  path: string;
  message: string;
}

export class LocalStoreError extends Error {
  override readonly name = 'LocalStoreError';

  constructor(
    /** HTTP status; 0 when the store could not be reached. */
    readonly status: number,
    /** The store's stable error code (`validation_failed`, `forbidden`, …), or `unreachable`. */
    readonly code: string,
    message: string,
    readonly errors: FieldProblem[] = [],
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface LocalStoreClientOptions {
  /** The store's base URL, e.g. `http://localhost:3000` (a path prefix is kept). */
  baseUrl: string;
  /** A service token (`dtgs_…`) or the store's LOCAL_ADMIN_TOKEN. */
  token: string;
  /** Deadline of each request in milliseconds. Default 10,000. */
  timeoutMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface Transport {
  request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options?: { query?: Query; body?: unknown; headers?: Record<string, string> }): Promise<T>;
}

export function createTransport(options: LocalStoreClientOptions): Transport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async request<T>(
      method: 'GET' | 'POST' | 'DELETE',
      path: string,
      request: { query?: Query; body?: unknown; headers?: Record<string, string> } = {},
    ): Promise<T> {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) search.set(key, String(value));
      const url = `${base}${path}${search.size > 0 ? `?${search}` : ''}`;
      const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${options.token}`, ...request.headers };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await doFetch(url, {
          method,
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new LocalStoreError(0, 'unreachable', `The local store at ${base} could not be reached.`, [], undefined, { cause: error });
      }
      const text = await res.text();
      const body: unknown = text === '' ? undefined : safeJson(text);
      if (res.ok) return body as T;
      const problem = (body ?? {}) as { code?: unknown; detail?: unknown; errors?: unknown; requestId?: unknown };
      throw new LocalStoreError(
        res.status,
        typeof problem.code === 'string' ? problem.code : `http_${res.status}`,
        typeof problem.detail === 'string' ? problem.detail : `The local store answered HTTP ${res.status}.`,
        Array.isArray(problem.errors) ? (problem.errors as FieldProblem[]) : [],
        typeof problem.requestId === 'string' ? problem.requestId : undefined,
      );
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

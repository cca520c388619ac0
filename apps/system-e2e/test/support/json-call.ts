// One JSON call with an optional bearer token, answering status, content type and parsed body.

export interface JsonAnswer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

export async function jsonCall(base: string, method: string, path: string, token?: string, body?: unknown): Promise<JsonAnswer> {
  const res = await fetch(base + path, {
    method,
    headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type')?.split(';')[0] ?? '', body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

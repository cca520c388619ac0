// One JSON call with an optional bearer token, answering status, content type and parsed body
// (the shape the security and property suites compare).
import { call } from '@dtg/testkit';

export interface JsonAnswer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

export async function jsonCall(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<JsonAnswer> {
  const reply = await call<Record<string, unknown> | undefined>(base, method, path, { token, body, headers });
  return { status: reply.status, contentType: reply.res.headers.get('content-type')?.split(';')[0] ?? '', body: reply.body ?? {} };
}

// JSON calls to the three processes of a stack, plus the few Postgres counts the flow tests assert.
import type { Client } from 'pg';

export interface Reply<T = unknown> {
  status: number;
  body: T;
  res: Response;
}

export interface CallOptions {
  /** Bearer token (a tenant API key or a user token). */
  token?: string;
  /** Cookie header (the local store's session). */
  cookie?: string;
  body?: unknown;
  /** More request headers (e.g. X-Forwarded-For through a trusted proxy). */
  headers?: Record<string, string>;
}

export async function call<T = unknown>(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.cookie) headers['cookie'] = options.cookie;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, res };
}

export async function count(pg: Client, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values);
  return rows[0]?.n ?? 0;
}

// Calls to the cloud's /admin (same origin; the session cookie goes along). Every change carries the
// session's CSRF token in x-csrf-token. Failures become ApiError with the problem+json body, whose
// `errors` (field → message) the forms show next to their fields.
import { has, t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, problem, message) {
    super(message);
    this.status = status;
    this.problem = problem;
  }

  /** [{ path: 'body.webhookUrl', message }] of a 400. */
  get fieldErrors() {
    return Array.isArray(this.problem?.errors) ? this.problem.errors : [];
  }
}

let csrfToken = '';
export const setCsrfToken = (token) => {
  csrfToken = token;
};

function problemMessage(status, problem) {
  const code = typeof problem?.code === 'string' ? problem.code : undefined;
  if (code && has(`problem.${code}`)) return t(`problem.${code}`);
  return problem?.detail ?? t('api.http', { status });
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, undefined, t('api.unreachable'));
  }
  const json = /\bjson\b/.test(res.headers.get('content-type') ?? '');
  const data = res.status !== 204 && json ? await res.json() : undefined;
  if (!res.ok) throw new ApiError(res.status, data, problemMessage(res.status, data));
  return data;
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body) => call('POST', path, body),
  patch: (path, body) => call('PATCH', path, body),
  del: (path) => call('DELETE', path),
};

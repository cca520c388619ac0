// HTTP to the local store (same origin, session cookie): everything the console does goes through
// it, sending and directory syncs included (the store relays them to the cloud with its own key).
// Failures become ApiError. The API speaks English (problem+json); what the person reads comes from
// the problem's `code`, in their language (problem.<code> in the catalog), with the server's own
// `detail` kept alongside for the specifics.
import { has, t } from './i18n.js';

class ApiError extends Error {
  /** status 0 = the server could not be reached. */
  constructor(status, problem, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** The server's English explanation, when it sent one. */
  get detail() {
    return typeof this.problem?.detail === 'string' ? this.problem.detail : undefined;
  }

  /** The field errors of a 400 problem: [{ path: 'body.msg.text.content', message }]. */
  get fieldErrors() {
    return Array.isArray(this.problem?.errors) ? this.problem.errors : [];
  }
}

/** The localized, actionable sentence for a problem+json answer. */
function problemMessage(status, problem) {
  const code = typeof problem?.code === 'string' ? problem.code : undefined;
  if (code && has(`problem.${code}`)) return t(`problem.${code}`, { permission: problem.missingPermission ?? '' });
  return problem?.detail ?? t('api.http', { status: String(status) });
}

async function call(url, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError(0, undefined, t('api.unreachable'));
  }
  const json = /\bjson\b/.test(res.headers.get('content-type') ?? '');
  const body = res.status !== 204 && json ? await res.json() : undefined;
  if (!res.ok) throw new ApiError(res.status, body, problemMessage(res.status, body));
  return body;
}

const jsonHeaders = (body) => (body === undefined ? {} : { 'content-type': 'application/json' });

/** The local store's /api (the session cookie goes along: same origin). */
export const store = {
  get: (path) => call(path, { headers: { accept: 'application/json' } }),
  post: (path, body, extra = {}) =>
    call(path, {
      method: 'POST',
      headers: { accept: 'application/json', ...jsonHeaders(body), ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  del: (path) => call(path, { method: 'DELETE', headers: { accept: 'application/json' } }),
  /** The file itself as the body (streamed on by the store to the cloud and DingTalk). */
  upload: (path, file) =>
    call(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': file.type || 'application/octet-stream' }, body: file }),
};

// HTTP to the local store (same origin, session cookie) and to the cloud gateway (cross-origin,
// bearer token, never cookies). Failures become ApiError with the problem+json body when there is one.

class ApiError extends Error {
  /** status 0 = the server could not be reached. */
  constructor(status, problem, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** The field errors of a 400 problem: [{ path: 'body.msg.text.content', message }]. */
  get fieldErrors() {
    return Array.isArray(this.problem?.errors) ? this.problem.errors : [];
  }
}

async function call(url, init, service) {
  let res;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError(0, undefined, `The ${service} could not be reached. Check the connection and try again.`);
  }
  const json = /\bjson\b/.test(res.headers.get('content-type') ?? '');
  const body = res.status !== 204 && json ? await res.json() : undefined;
  if (!res.ok) throw new ApiError(res.status, body, body?.detail ?? `The ${service} answered HTTP ${res.status}.`);
  return body;
}

const jsonHeaders = (body) => (body === undefined ? {} : { 'content-type': 'application/json' });

/** The local store's /api (the session cookie goes along: same origin). */
export const store = {
  get: (path) => call(path, { headers: { accept: 'application/json' } }, 'local store'),
  post: (path, body) =>
    call(path, { method: 'POST', headers: { accept: 'application/json', ...jsonHeaders(body) }, body: body === undefined ? undefined : JSON.stringify(body) }, 'local store'),
};

/** The cloud's /v1 API with the signed-in user's cloud token. */
export function cloudApi(baseUrl, token) {
  const headers = (extra) => ({ accept: 'application/json', authorization: `Bearer ${token}`, ...extra });
  return {
    get: (path) => call(baseUrl + path, { headers: headers(), credentials: 'omit' }, 'cloud gateway'),
    post: (path, body, extra = {}) =>
      call(baseUrl + path, { method: 'POST', credentials: 'omit', headers: headers({ ...jsonHeaders(body), ...extra }), body: JSON.stringify(body) }, 'cloud gateway'),
  };
}

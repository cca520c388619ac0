// HTTP to the local store (same origin, session cookie): everything the console does goes through
// it, sending and directory syncs included (the store relays them to the cloud with its own key).
// Failures become ApiError with the problem+json body when there is one.

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
  post: (path, body, extra = {}) =>
    call(
      path,
      { method: 'POST', headers: { accept: 'application/json', ...jsonHeaders(body), ...extra }, body: body === undefined ? undefined : JSON.stringify(body) },
      'local store',
    ),
  del: (path) => call(path, { method: 'DELETE', headers: { accept: 'application/json' } }, 'local store'),
};

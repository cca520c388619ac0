// CORS for the public API (/v1): browsers (the local store's console) call it directly with a user
// token. Any origin is allowed and credentials never are: the API authenticates with bearer tokens
// only, never cookies, so a foreign page gains nothing it could not do with the token it already has.
import type { RequestHandler } from 'express';

const ALLOWED_METHODS = 'GET, POST, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id';
// Readable by the page: where a created resource lives, and the id to quote in a support request.
const EXPOSED_HEADERS = 'Location, X-Request-Id, Retry-After';
/** Seconds a browser may reuse a preflight answer. */
const PREFLIGHT_MAX_AGE_S = 600;

export function cors(): RequestHandler {
  return (req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (req.method !== 'OPTIONS') return next();
    res.set({
      'Access-Control-Allow-Methods': ALLOWED_METHODS,
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_S),
    });
    res.status(204).end();
  };
}

import express, { type Request } from 'express';
import { isSecretKey } from '../logging/redact';

const ROUTE = Symbol('route');
const PATTERN = Symbol('routePattern');
type Tracked = Request & { [ROUTE]?: unknown; [PATTERN]?: string };

/*
 * Records the route pattern (`/v1/users/:id`) a request matches. The full pattern only exists while
 * the request is inside its router: Express restores `req.baseUrl` when an error leaves the router,
 * before the response finishes. So it is captured at the moment the router assigns `req.route`,
 * through an accessor on Express's request prototype that every app's requests inherit. Set once
 * here, not per request: an Object.defineProperty on each request object turned it into a slow
 * dictionary-mode object, which cost a bare Express endpoint ~15 µs per request.
 */
Object.defineProperty(express.request, 'route', {
  configurable: true,
  enumerable: true,
  get(this: Tracked): unknown {
    return this[ROUTE];
  },
  set(this: Tracked, value: { path?: unknown } | undefined) {
    this[ROUTE] = value;
    // A router's route at `/` is its prefix itself: `/v1/messages`, not `/v1/messages/`.
    if (value?.path !== undefined) this[PATTERN] = value.path === '/' && this.baseUrl ? this.baseUrl : `${this.baseUrl}${String(value.path)}`;
  },
});

/** The matched route pattern, or undefined when no route matched. */
export function routePattern(req: Request): string | undefined {
  return (req as Tracked)[PATTERN];
}

/**
 * The path to write in a log line. A route whose path parameters carry credentials (a login
 * ticket in `/v1/login-tickets/:ticket`) is logged by its pattern, never with the value.
 */
export function loggablePath(req: Request, path: string = req.path): string {
  const pattern = routePattern(req);
  const carriesSecret = pattern !== undefined && [...pattern.matchAll(/:(\w+)/g)].some(([, name]) => name !== undefined && isSecretKey(name));
  return carriesSecret ? pattern : path;
}

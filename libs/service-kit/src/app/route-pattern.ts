import type { Request } from 'express';
import { isSecretKey } from '../logging/redact';

const patterns = new WeakMap<Request, { pattern?: string }>();

/**
 * Starts recording the route pattern (`/v1/users/:id`) a request matches. The full pattern only
 * exists while the request is inside its router: Express restores `req.baseUrl` when an error
 * leaves the router, before the response finishes. So the pattern is captured at the moment the
 * router assigns `req.route`. Idempotent: metrics and the access log both ask for it.
 */
export function trackRoutePattern(req: Request): void {
  if (patterns.has(req)) return;
  const state: { pattern?: string } = {};
  patterns.set(req, state);
  let route: unknown = req.route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: { path?: unknown } | undefined) => {
      route = value;
      if (value?.path !== undefined) state.pattern = `${req.baseUrl}${String(value.path)}`;
    },
  });
}

/** The matched route pattern, or undefined when no route matched (or tracking never started). */
export function routePattern(req: Request): string | undefined {
  return patterns.get(req)?.pattern;
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

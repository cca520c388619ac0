import express, { type Request } from 'express';
import { isSecretKey } from '../logging/redact';

const MATCHED = Symbol('matched route');
const PATTERNS = Symbol('patterns by baseUrl');

/** A route as a request matched it, with its full pattern; one per route and mount point, made once. */
interface Matched {
  route: unknown;
  pattern: string | undefined;
}
type Tracked = Request & { [MATCHED]?: Matched };
type RouteObject = { path?: unknown; [PATTERNS]?: Map<string, Matched> };

/*
 * Records the route pattern (`/v1/users/:id`) a request matches. The full pattern only exists while
 * the request is inside its router: Express restores `req.baseUrl` when an error leaves the router,
 * before the response finishes. So it is captured at the moment the router assigns `req.route`,
 * through an accessor on Express's request prototype that every app's requests inherit. Set once
 * here, not per request: an Object.defineProperty on each request object turned it into a slow
 * dictionary-mode object, which cost a bare Express endpoint ~15 µs per request. The route and its
 * pattern are kept on the request as one entry, made once per route and mount point: a request
 * object has many properties, and each one added (and each string built) is paid on every request.
 */
Object.defineProperty(express.request, 'route', {
  configurable: true,
  enumerable: true,
  get(this: Tracked): unknown {
    return this[MATCHED]?.route;
  },
  set(this: Tracked, value: RouteObject | undefined) {
    this[MATCHED] = value === undefined ? undefined : matchedOf(value, this.baseUrl);
  },
});

/** Mount points kept per route: a router mounted under a path with parameters has a baseUrl per value. */
const MAX_MOUNTS = 16;

function matchedOf(route: RouteObject, baseUrl: string): Matched {
  const patterns = (route[PATTERNS] ??= new Map());
  const known = patterns.get(baseUrl);
  if (known) return known;
  const matched = { route, pattern: patternOf(route.path, baseUrl) };
  if (patterns.size < MAX_MOUNTS) patterns.set(baseUrl, matched);
  return matched;
}

function patternOf(path: unknown, baseUrl: string): string | undefined {
  if (path === undefined) return undefined;
  // A router's route at `/` is its prefix itself: `/v1/messages`, not `/v1/messages/`.
  return path === '/' && baseUrl ? baseUrl : `${baseUrl}${String(path)}`;
}

/** The matched route pattern, or undefined when no route matched. */
export function routePattern(req: Request): string | undefined {
  return (req as Tracked)[MATCHED]?.pattern;
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

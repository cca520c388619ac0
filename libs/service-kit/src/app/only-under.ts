import type { RequestHandler, Router } from 'express';

interface Layer {
  route?: { path: unknown };
  handle: { length: number };
}

/** The literal start of a route path (`/v1/messages/:id` → `/v1/messages/`); undefined for a non-string path. */
function literalPrefix(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  const end = path.search(/[:*(]/);
  return end === -1 ? path : path.slice(0, end);
}

/**
 * Enters `router` (a feature's) only for paths one of its own routes could match. Mounted without
 * a path, Express walks every route of every router on every request; with a dozen routers that was
 * a measurable share of each request, spent matching paths that could never match. The prefixes
 * come from the router's routes when it is mounted (they are all declared by then), so they cannot
 * drift from them. Error handlers need no request of their own; any other middleware in the router
 * could answer any path, so such a router is entered for every request, as before. The router's
 * `stack` stays visible so routeTable() still sees every route.
 */
export function onlyUnder(router: Router): RequestHandler & { stack: Router['stack'] } {
  const layers = router.stack as unknown as Layer[];
  // Express routers match paths case-insensitively unless built with caseSensitive: so does the guard.
  const sensitive = (router as unknown as { caseSensitive?: boolean }).caseSensitive === true;
  const comparable = (path: string) => (sensitive ? path : path.toLowerCase());
  const prefixes: string[] = [];
  let everyPath = false;
  for (const layer of layers) {
    if (!layer.route) {
      everyPath ||= layer.handle.length !== 4;
      continue;
    }
    const prefix = literalPrefix(layer.route.path);
    if (prefix === undefined) everyPath = true;
    else prefixes.push(comparable(prefix));
  }
  const guard: RequestHandler = everyPath
    ? router
    : (req, res, next) => {
        const path = comparable(req.path);
        if (prefixes.some((prefix) => path.startsWith(prefix))) router(req, res, next);
        else next();
      };
  return Object.assign(guard, { stack: router.stack });
}

import type { RequestHandler, Router } from 'express';

/**
 * Enters `router` (a feature's) only for paths under one of `prefixes`. Mounted without a path,
 * Express walks every route of every router on every request; with a dozen routers that was a
 * measurable share of each request, spent matching paths that could never match. The routes keep
 * their full paths (the OpenAPI document is built from them), and the router's `stack` stays
 * visible so routeTable() still sees every route.
 */
export function onlyUnder(prefixes: string | readonly string[], router: Router): RequestHandler & { stack: Router['stack'] } {
  const list = typeof prefixes === 'string' ? [prefixes] : prefixes;
  const guard: RequestHandler = (req, res, next) => {
    if (list.some((prefix) => req.path.startsWith(prefix))) router(req, res, next);
    else next();
  };
  return Object.assign(guard, { stack: router.stack });
}

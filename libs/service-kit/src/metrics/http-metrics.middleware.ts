import type { Request, RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';

const METRIC_NAME = 'http_request_duration_seconds';

/** Records each request's duration labelled by the matched route pattern, never the raw URL. */
export function httpMetrics(registry: Registry): RequestHandler {
  const histogram = requestDurationHistogram(registry);
  return (req, res, next) => {
    const stop = histogram.startTimer();
    const routeLabel = trackRoutePattern(req);
    res.on('finish', () => stop({ method: req.method, route: routeLabel(), status: String(res.statusCode) }));
    next();
  };
}

function requestDurationHistogram(registry: Registry): Histogram<'method' | 'route' | 'status'> {
  const existing = registry.getSingleMetric(METRIC_NAME);
  if (existing instanceof Histogram) return existing as Histogram<'method' | 'route' | 'status'>;
  return new Histogram({
    name: METRIC_NAME,
    help: 'HTTP request duration in seconds, by method, Express route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

/**
 * The full pattern (`/v1/users/:id`) only exists while the request is inside its router: Express
 * restores `req.baseUrl` when an error leaves the router, before the response finishes. So the
 * pattern is captured at the moment the router assigns `req.route`. Unmatched paths share one
 * label so scanners probing random URLs cannot blow up cardinality.
 */
function trackRoutePattern(req: Request): () => string {
  let pattern: string | undefined;
  let route: unknown = req.route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: { path?: unknown } | undefined) => {
      route = value;
      if (value?.path !== undefined) pattern = `${req.baseUrl}${String(value.path)}`;
    },
  });
  return () => pattern ?? 'unmatched';
}

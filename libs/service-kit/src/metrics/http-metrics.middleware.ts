import type { RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';
import { routePattern } from '../app/route-pattern';

const METRIC_NAME = 'http_request_duration_seconds';

/** Records each request's duration labelled by the matched route pattern, never the raw URL. */
export function httpMetrics(registry: Registry): RequestHandler {
  const histogram = requestDurationHistogram(registry);
  return (req, res, next) => {
    const stop = histogram.startTimer();
    // Unmatched paths share one label so scanners probing random URLs cannot blow up cardinality.
    res.on('finish', () => stop({ method: req.method, route: routePattern(req) ?? 'unmatched', status: String(res.statusCode) }));
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

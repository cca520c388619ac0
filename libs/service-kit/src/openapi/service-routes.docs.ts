// The plumbing routes every service answers (createServiceApp and openApiRoutes mount them),
// recorded in the registry so /openapi.json lists every route the service answers.
import type { ApiRegistry } from './api-registry';
import { z } from 'zod';

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string() });
export const ReadinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  version: z.string(),
  checks: z.record(z.string(), z.enum(['ok', 'failed', 'timeout'])),
});

/** The security scheme /metrics is documented with; buildOpenApiDocument adds it to every document. */
export const METRICS_SECURITY_SCHEME = 'metricsToken';

export function documentServiceRoutes(api: ApiRegistry): void {
  const tags = ['ops'];
  api.document({ method: 'get', path: '/healthz', summary: 'Liveness.', tags, responses: { 200: { description: 'Alive.', schema: HealthSchema } } });
  api.document({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the database answers and no migration is pending.',
    tags,
    responses: { 200: { description: 'Ready.', schema: ReadinessSchema }, 503: { description: 'Not ready.', schema: ReadinessSchema } },
  });
  api.document({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics, for the METRICS_TOKEN only (the route does not exist while it is unset).',
    tags,
    security: [METRICS_SECURITY_SCHEME],
    responses: {
      200: { description: 'Prometheus text format.', schema: z.string(), contentType: 'text/plain' },
      401: { description: 'No or another bearer token.' },
      404: { description: 'METRICS_TOKEN is not set.' },
    },
  });
  api.document({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document (OpenAPI 3.1).',
    tags,
    responses: { 200: { description: 'The document.', schema: z.record(z.string(), z.unknown()) } },
  });
  api.document({
    method: 'get',
    path: '/docs',
    summary: 'This document as an interactive page (Swagger UI, served by this service).',
    tags,
    responses: { 200: { description: 'HTML.', schema: z.string(), contentType: 'text/html' } },
  });
  api.document({
    method: 'get',
    path: '/docs/init.js',
    summary: "The docs page's start-up script (points Swagger UI at /openapi.json).",
    tags,
    responses: { 200: { description: 'JavaScript.', schema: z.string(), contentType: 'text/javascript' } },
  });
  api.document({
    method: 'get',
    path: '/docs/:asset',
    summary: "Swagger UI's own files for the docs page (swagger-ui.css, swagger-ui-bundle.js); nothing else is served.",
    tags,
    responses: { 200: { description: 'CSS or JavaScript.', schema: z.string(), contentType: 'text/css' }, 404: { description: 'Not one of its files.' } },
  });
}

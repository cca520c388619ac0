import express, { Router, type Express, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { requestContext } from '../context/request-context.middleware';
import { errorHandler, notFoundHandler } from '../errors/error-handler.middleware';
import { healthRoutes, type HealthOptions } from '../health/health.routes';
import type { Logger } from '../logging/create-logger';
import { httpMetrics } from '../metrics/http-metrics.middleware';
import { metricsRoutes } from '../metrics/metrics.routes';
import { accessLog } from './access-log.middleware';
import { jsonBody } from './json-body.middleware';

export interface ServiceAppOptions {
  logger: Logger;
  registry: Registry;
  health: HealthOptions;
  /** Mounts the app's own routers; runs after the shared plumbing and before 404/error handling. */
  routes: (app: Express) => void;
  /** Max JSON body size (body-parser syntax). Default '1mb'. */
  jsonLimit?: string;
  /** Path prefixes that keep `req.rawBody` (for signature checks); none when omitted. */
  rawBodyPaths?: string[];
  /** Path prefixes with a JSON limit other than `jsonLimit`. */
  jsonLimitsByPath?: Record<string, string>;
  /** Express 'trust proxy' setting, e.g. 1 behind one reverse proxy. Not set by default. */
  trustProxy?: boolean | number | string | string[];
  /** Bearer token for GET /metrics (METRICS_TOKEN); without one the route does not exist. */
  metricsToken?: string;
}

const ROOT_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function onlyFor(paths: ReadonlySet<string>, handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (paths.has(req.path)) handler(req, res, next);
    else next();
  };
}

/** The shared Express skeleton; the order matters (context first so every later line has a request id). */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  app.use(requestContext());
  app.use(httpMetrics(options.registry));
  app.use(accessLog(options.logger));
  app.use(jsonBody({ limit: options.jsonLimit ?? '1mb', rawBodyPaths: options.rawBodyPaths, limitsByPath: options.jsonLimitsByPath }));
  // Three routes at the root, ahead of the app's prefixed routers (ApiRegistry.mount). Their
  // routers are entered only for their own paths: every API request passes this point.
  app.use(
    onlyFor(ROOT_PATHS, Router().use(healthRoutes({ logger: options.logger, ...options.health }), metricsRoutes(options.registry, options.metricsToken))),
  );
  options.routes(app);
  app.use(notFoundHandler());
  app.use(errorHandler(options.logger));
  return app;
}

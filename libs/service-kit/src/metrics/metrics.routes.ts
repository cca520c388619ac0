import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { AppError } from '../errors/app-error';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * `GET /metrics` for a bearer token only: the metrics name routes, tenants' traffic and the
 * process's state, which a public service must not hand to anyone. Without a token the route
 * does not exist (404), so forgetting to set one exposes nothing.
 */
export function metricsRoutes(registry: Registry, token: string | undefined): Router {
  const router = Router();
  if (token === undefined) return router;
  const expected = digest(`Bearer ${token}`);
  router.get('/metrics', async (req, res) => {
    // Compared as digests: equal lengths, constant time, whatever was sent.
    if (!timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      throw new AppError('unauthorized', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.', {
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
      });
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}

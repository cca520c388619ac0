import express, { Router } from 'express';
import request from 'supertest';
import { notFound } from '../errors/app-error';
import { errorHandler, notFoundHandler } from '../errors/error-handler.middleware';
import { captureLogs } from '../testing/log-capture';
import { httpMetrics } from './http-metrics.middleware';
import { createMetricsRegistry } from './metrics-registry';
import { metricsRoutes } from './metrics.routes';

const TOKEN = 'metrics-token-0123456789';
const scrape = (app: express.Express) => request(app).get('/metrics').set('authorization', `Bearer ${TOKEN}`);

function buildApp() {
  const registry = createMetricsRegistry('test-service');
  const users = Router();
  users.get('/users/:id', (req, res) => {
    if (req.params.id === 'missing') throw notFound('no such user');
    res.json({ id: req.params.id });
  });
  const app = express()
    .use(httpMetrics(registry))
    .use(metricsRoutes(registry, TOKEN))
    .use('/v1', users)
    .use(notFoundHandler())
    .use(errorHandler(captureLogs().logger));
  return app;
}

const count = (route: string, status: number) =>
  new RegExp(`http_request_duration_seconds_count\\{service="test-service",method="GET",route="${route}",status="${status}"\\} (\\d+)`);

describe('http metrics', () => {
  it('GET /metrics exposes the histogram labelled by route pattern, with one label for unmatched paths', async () => {
    const app = buildApp();
    await request(app).get('/v1/users/u1');
    await request(app).get('/v1/users/u2');
    await request(app).get('/v1/users/missing');
    await request(app).get('/random/path/1');
    await request(app).get('/random/path/2');
    const res = await scrape(app);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.text).toMatch(count('/v1/users/:id', 200));
    expect(res.text.match(count('/v1/users/:id', 200))?.[1]).toBe('2');
    expect(res.text.match(count('/v1/users/:id', 404))?.[1]).toBe('1');
    expect(res.text.match(count('unmatched', 404))?.[1]).toBe('2');
    expect(res.text).not.toContain('/random/path');
    expect(res.text).not.toContain('u1');
  });

  it('exposes default Node metrics labelled with the service', async () => {
    const res = await scrape(buildApp());
    expect(res.text).toMatch(/process_cpu_user_seconds_total\{service="test-service"\}/);
  });

  it('when two middlewares share a registry, then the histogram is registered once', () => {
    const registry = createMetricsRegistry('test-service');
    httpMetrics(registry);
    expect(() => httpMetrics(registry)).not.toThrow();
    expect(registry.getMetricsAsArray().filter((metric) => metric.name === 'http_request_duration_seconds')).toHaveLength(1);
  });
});

import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { routePattern } from '../app/route-pattern';
import { ApiRegistry } from './api-registry';
import { unservedRoutes } from './route-probe';

const ok = { 200: { description: 'OK' } };

/** An app with one prefixed router whose every entry is counted. */
function build() {
  const api = new ApiRegistry();
  const router = api.router('/v1/things');
  let entered = 0;
  router.use((_req, _res, next) => {
    entered += 1;
    next();
  });
  const patterns: (string | undefined)[] = [];
  api.add(router, { method: 'get', path: '/v1/things', summary: 'List', responses: ok }, (_input, req, res) => {
    patterns.push(routePattern(req));
    res.json([]);
  });
  api.add(
    router,
    { method: 'get', path: '/v1/things/:id', summary: 'One', input: { params: z.object({ id: z.string() }) }, responses: ok },
    ({ params }, req, res) => {
      patterns.push(routePattern(req));
      res.json({ id: params.id });
    },
  );
  api.raw(router, { method: 'post', path: '/v1/things/:id/poke', summary: 'Raw', responses: ok }, (_req, res) => res.status(204).end());
  const app = express();
  api.mount(app, router);
  app.use((_req, res) => res.status(404).json({ code: 'route_not_found' }));
  return { api, app, entries: () => entered, patterns };
}

describe('ApiRegistry routers', () => {
  it('mounts a router under its prefix: only paths under it enter, with full route patterns', async () => {
    const { app, entries, patterns } = build();
    expect((await request(app).get('/v1/things')).body).toEqual([]);
    expect((await request(app).get('/v1/things/7')).body).toEqual({ id: '7' });
    expect((await request(app).post('/v1/things/7/poke')).status).toBe(204);
    expect(entries()).toBe(3);
    expect(patterns).toEqual(['/v1/things', '/v1/things/:id']);
    expect((await request(app).get('/v1/thingsX')).status).toBe(404);
    expect((await request(app).get('/v1/other')).status).toBe(404);
    expect((await request(app).get('/healthz')).status).toBe(404);
    expect(entries()).toBe(3);
  });

  it('records every route it mounts, with its full path, and the probe finds each served', async () => {
    const { api, app } = build();
    const routes = api.routes.map((spec) => `${spec.method} ${spec.path}`);
    expect(routes).toEqual(['get /v1/things', 'get /v1/things/:id', 'post /v1/things/:id/poke']);
    const probe = async (method: string, path: string) => {
      const res = await request(app)[method as 'get'](path);
      return { status: res.status, body: res.body as unknown };
    };
    expect(await unservedRoutes(probe, [...routes, 'get /v1/missing'])).toEqual(['get /v1/missing']);
  });

  it('refuses a route outside its router’s prefix, and a prefix that is not a literal path', () => {
    const api = new ApiRegistry();
    const router = api.router('/v1/things');
    expect(() => api.add(router, { method: 'get', path: '/v1/thingsX', summary: 'x', responses: ok }, () => undefined)).toThrow(/not under/);
    expect(() => api.add(router, { method: 'get', path: '/v2/things', summary: 'x', responses: ok }, () => undefined)).toThrow(/not under/);
    expect(() => api.router('/v1/things/:id')).toThrow(/literal/);
    expect(() => api.router('/v1/things/')).toThrow(/literal/);
  });
});

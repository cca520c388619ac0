import express, { Router, type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { routeTable } from '../openapi/route-table';
import { onlyUnder } from './only-under';

/** A router whose every entry is counted, mounted behind onlyUnder. */
function mounted(build: (router: Router) => void) {
  const router = Router();
  build(router);
  let entered = 0;
  const counting = Object.assign((...args: Parameters<Router>) => {
    entered += 1;
    return router(...args);
  }, { stack: router.stack }) as unknown as Router;
  const app = express().use(onlyUnder(counting));
  app.use((_req, res) => res.status(404).end());
  return { app, entries: () => entered };
}

describe('onlyUnder', () => {
  it('enters the router only for paths its routes could match, taken from the routes themselves', async () => {
    const onError: ErrorRequestHandler = (_err, _req, res, _next) => res.status(500).end();
    const { app, entries } = mounted((r) => {
      r.get('/v1/things/:id', (req, res) => res.json({ id: req.params.id }));
      r.post('/v1/jobs', (_req, res) => res.status(202).end());
      r.use(onError);
    });
    expect((await request(app).get('/v1/things/7')).body).toEqual({ id: '7' });
    expect((await request(app).post('/v1/jobs')).status).toBe(202);
    expect(entries()).toBe(2);
    expect((await request(app).get('/v1/other')).status).toBe(404);
    expect((await request(app).get('/healthz')).status).toBe(404);
    expect(entries()).toBe(2);
  });

  it('matches paths without regard to case, as the router itself does unless it is case-sensitive', async () => {
    const { app } = mounted((r) => r.get('/v1/things/:id', (req, res) => res.json({ id: req.params.id })));
    expect((await request(app).get('/V1/Things/7')).body).toEqual({ id: '7' });
    const strict = Router({ caseSensitive: true });
    strict.get('/v1/things', (_req, res) => res.json([]));
    const strictApp = express().use(onlyUnder(strict)).use((_req, res) => res.status(404).end());
    expect((await request(strictApp).get('/v1/things')).status).toBe(200);
    expect((await request(strictApp).get('/V1/things')).status).toBe(404);
  });

  it('enters a router with path-less middleware for every request (that middleware could answer anything)', async () => {
    const { app, entries } = mounted((r) => {
      r.use((req, res, next) => (req.path === '/special' ? res.status(204).end() : next()));
      r.get('/v1/things', (_req, res) => res.json([]));
    });
    expect((await request(app).get('/special')).status).toBe(204);
    expect((await request(app).get('/elsewhere')).status).toBe(404);
    expect(entries()).toBe(2);
  });

  it('keeps the routes visible to routeTable', () => {
    const router = Router();
    router.get('/v1/things/:id', (_req, res) => res.end());
    expect(routeTable(express().use(onlyUnder(router)))).toEqual(['get /v1/things/:id']);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { currentRequestId, setContextValue } from '../context/request-context';
import { AppError, missingPermission, notFound } from '../errors/app-error';
import { ProblemSchema } from '../errors/problem.schema';
import { createMetricsRegistry } from '../metrics/metrics-registry';
import { captureLogs } from '../testing/log-capture';
import { input, parseValue, validate } from '../validation/validate.middleware';
import { route } from '../validation/route';
import { logAsRoutine } from './access-log.middleware';
import { createServiceApp, type ServiceAppOptions } from './create-service-app';

const CreateUserSchema = z.object({ name: z.string().min(1), age: z.number().int().optional() });

function buildApp(overrides: Partial<ServiceAppOptions> = {}) {
  const logs = captureLogs();
  let slowEntered!: () => void;
  /** Resolves once /v1/slow's handler runs: the request is mid-flight. */
  const slowStarted = new Promise<void>((resolve) => (slowEntered = resolve));
  const registry = createMetricsRegistry('test-service');
  const app = createServiceApp({
    logger: logs.logger,
    registry,
    health: { version: '1.2.3', checks: {} },
    routes: (app) => {
      const users = Router();
      users.post(
        '/users',
        route({ body: CreateUserSchema, query: z.object({ dryRun: z.enum(['true', 'false']).default('false') }) }, async ({ body, query }, _req, res) => {
          setContextValue('tenantId', 'tenant-a');
          logs.logger.info('creating user');
          res.status(201).json({ ...body, dryRun: query.dryRun === 'true', requestId: currentRequestId() });
        }),
      );
      users.get(
        '/users/:id',
        route({ params: z.object({ id: z.string().regex(/^u\d+$/) }) }, async ({ params }) => {
          throw notFound(`User ${params.id} does not exist.`);
        }),
      );
      users.get('/tickets/:ticket', (req, res) => {
        if (req.params.ticket !== 'ticket-known-0123456789') throw notFound('No such ticket.');
        res.json({ ok: true });
      });
      users.get('/slow', (_req, res) => {
        setContextValue('tenantId', 'tenant-s');
        slowEntered();
        const timer = setTimeout(() => res.json({ late: true }), 2_000);
        res.on('close', () => clearTimeout(timer));
      });
      app.use('/v1', users);
      const limitQuery = { query: z.object({ limit: z.coerce.number().int().max(100) }) };
      app.get('/plain', validate(limitQuery), (_req, res) => {
        res.json({ limit: input<typeof limitQuery>(res).query.limit });
      });
      app.get('/poll', (req, res) => {
        if (req.query['empty'] === 'yes') logAsRoutine(res);
        res.json({ events: [] });
      });
      app.get('/boom', async () => {
        await Promise.resolve(); // fails after an await, as a real handler would
        throw new Error('database exploded with password=hunter2');
      });
      app.get('/zod', () => {
        z.object({ count: z.number() }).parse({ count: 'x' });
      });
      app.get('/parse-value', () => {
        parseValue(z.object({ count: z.number() }), { count: 'x' }, 'flags');
      });
      app.get('/rate-limited', () => {
        throw new AppError('rate_limited', 'Slow down.', { headers: { 'Retry-After': '7' } });
      });
      app.get('/refused', () => {
        throw missingPermission('messages:send:departments', 'Members may not send to departments');
      });
      app.post('/webhooks/cloud', (req, res) => {
        res.json({ raw: req.rawBody?.toString('utf8') ?? null });
      });
      app.post('/other', (req, res) => {
        res.json({ raw: req.rawBody?.toString('utf8') ?? null });
      });
    },
    ...overrides,
  });
  return { app, registry, logs, slowStarted };
}

function expectProblem(body: unknown, code: string, status: number) {
  const problem = ProblemSchema.parse(body);
  expect(problem).toMatchObject({ code, status, type: `https://dingtalk-gateway.dev/problems/${code}` });
  return problem;
}

describe('request id', () => {
  it('when a sane x-request-id arrives, then it is honoured, echoed and logged', async () => {
    const { app, logs } = buildApp();
    const res = await request(app).post('/v1/users').set('x-request-id', 'abc-123:XY.z_9').send({ name: 'Ann' });
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toBe('abc-123:XY.z_9');
    expect(res.body.requestId).toBe('abc-123:XY.z_9');
    const line = logs.lines().find((entry) => entry.message === 'creating user');
    expect(line).toMatchObject({ requestId: 'abc-123:XY.z_9', tenantId: 'tenant-a' });
  });

  it.each([['has spaces in it'], ['x'.repeat(129)], ['<script>']])('when the incoming id is unsafe (%s), then a fresh one is generated', async (bad) => {
    const { app } = buildApp();
    const res = await request(app).get('/healthz').set('x-request-id', bad);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when no id arrives, then each request gets its own uuid', async () => {
    const { app } = buildApp();
    const [a, b] = await Promise.all([request(app).get('/healthz'), request(app).get('/healthz')]);
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('writes one access log line per request with the request id and no query string', async () => {
    const { app, logs } = buildApp();
    await request(app).get('/plain?limit=5&code=secret-oauth-code').set('x-request-id', 'acc-1');
    const access = logs.lines().filter((entry) => entry.message === 'request');
    expect(access).toEqual([
      expect.objectContaining({ level: 'info', method: 'GET', path: '/plain', status: 200, requestId: 'acc-1', ms: expect.any(Number) }),
    ]);
    expect(JSON.stringify(logs.lines())).not.toContain('secret-oauth-code');
  });

  it('when a path parameter carries a credential, then the access and error lines show the route pattern instead', async () => {
    const { app, logs } = buildApp();
    expect((await request(app).get('/v1/tickets/ticket-known-0123456789')).status).toBe(200);
    expect((await request(app).get('/v1/tickets/ticket-unknown-0123456789')).status).toBe(404);
    expect((await request(app).get('/v1/users/u42')).status).toBe(404);
    const paths = logs.lines().map((entry) => entry.path);
    expect(paths).toEqual(['/v1/tickets/:ticket', '/v1/tickets/:ticket', '/v1/tickets/:ticket', '/v1/users/u42', '/v1/users/u42']);
    expect(JSON.stringify(logs.lines())).not.toMatch(/ticket-(known|unknown)/);
  });

  it('when the client goes away mid-request, then the access line says aborted and still carries the request id and tenant', async () => {
    const { app, logs, slowStarted } = buildApp();
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const req = http.get({ host: '127.0.0.1', port, path: '/v1/slow', headers: { 'x-request-id': 'gone-1' } });
    req.on('error', () => undefined);
    await slowStarted;
    req.destroy();
    const accessLine = await logs.line((entry) => entry.message === 'request');
    server.close();
    expect(accessLine).toMatchObject({
      path: '/v1/slow',
      aborted: true,
      requestId: 'gone-1',
      tenantId: 'tenant-s',
    });
  });

  it('logs probe requests at debug level', async () => {
    const { app, logs } = buildApp();
    await request(app).get('/healthz');
    expect(logs.lines().find((entry) => entry.message === 'request')).toMatchObject({ level: 'debug', path: '/healthz' });
  });

  it('logs a request its route marked as routine (an empty poll) at debug, the same route doing work at info', async () => {
    const { app, logs } = buildApp();
    await request(app).get('/poll?empty=yes');
    await request(app).get('/poll');
    expect(
      logs
        .lines()
        .filter((entry) => entry.message === 'request')
        .map((entry) => entry.level),
    ).toEqual(['debug', 'info']);
  });
});

describe('problem+json errors', () => {
  it('when the JSON is malformed, then 400 malformed_json with the request id', async () => {
    const { app } = buildApp();
    const res = await request(app).post('/v1/users').set('x-request-id', 'bad-json-1').set('content-type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(expectProblem(res.body, 'malformed_json', 400).requestId).toBe('bad-json-1');
  });

  it('when a field has the wrong type, then 400 names the field with its location', async () => {
    const { app } = buildApp();
    const res = await request(app).post('/v1/users?dryRun=perhaps').send({ name: 42 });
    expect(res.status).toBe(400);
    const problem = expectProblem(res.body, 'validation_failed', 400);
    expect(problem.requestId).toBe(res.headers['x-request-id']);
    expect(problem.errors?.map((error) => error.path)).toEqual(['query.dryRun', 'body.name']);
    expect(problem.errors?.[1]?.message).toMatch(/expected string/);
  });

  it('when the body is not JSON, then 415', async () => {
    const { app } = buildApp();
    const res = await request(app).post('/v1/users').set('content-type', 'text/plain').send('name=Ann');
    expectProblem(res.body, 'unsupported_media_type', 415);
  });

  it('when the body exceeds jsonLimit, then 413', async () => {
    const { app } = buildApp({ jsonLimit: '1kb' });
    const res = await request(app)
      .post('/v1/users')
      .send({ name: 'x'.repeat(2000) });
    expectProblem(res.body, 'payload_too_large', 413);
  });

  it('when a permission is missing, then 403 missing_permission names it in the detail and as missingPermission', async () => {
    const { app, logs } = buildApp();
    const res = await request(app).get('/refused');
    expect(res.status).toBe(403);
    const problem = expectProblem(res.body, 'missing_permission', 403);
    expect(problem.missingPermission).toBe('messages:send:departments');
    expect(problem.detail).toBe('Members may not send to departments (missing permission: messages:send:departments)');
    expect(logs.lines().find((entry) => entry.problem === 'missing_permission')).toMatchObject({ missingPermission: 'messages:send:departments' });
  });

  it('when the route is unknown, then 404 route_not_found', async () => {
    const { app } = buildApp();
    const res = await request(app).delete('/nope/123');
    expect(res.status).toBe(404);
    expect(expectProblem(res.body, 'route_not_found', 404).detail).toBe('No route for DELETE /nope/123.');
  });

  it('when an async handler rejects with an AppError, then its status and detail are used and it is logged at info', async () => {
    const { app, logs } = buildApp();
    const res = await request(app).get('/v1/users/u7');
    expect(res.status).toBe(404);
    expect(expectProblem(res.body, 'not_found', 404).detail).toBe('User u7 does not exist.');
    const logged = logs.lines().filter((entry) => entry.problem !== undefined);
    expect(logged).toEqual([expect.objectContaining({ level: 'info', problem: 'not_found', status: 404, requestId: res.headers['x-request-id'] })]);
  });

  it('when an unknown error is thrown, then 500 with a generic detail and one error line with the stack', async () => {
    const { app, logs } = buildApp();
    const res = await request(app).get('/boom');
    expect(res.status).toBe(500);
    const problem = expectProblem(res.body, 'internal', 500);
    expect(problem.detail).toBe('An unexpected error occurred.');
    expect(JSON.stringify(res.body)).not.toContain('exploded');
    const errors = logs.lines().filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      problem: 'internal',
      requestId: res.headers['x-request-id'],
      err: { stack: expect.stringContaining('database exploded') },
    });
  });

  it('when a ZodError escapes a handler, then it is the service failing to parse its own data: 500, logged as an error', async () => {
    const { app, logs } = buildApp();
    const res = await request(app).get('/zod');
    expect(expectProblem(res.body, 'internal', 500).errors).toBeUndefined();
    expect(logs.lines().filter((entry) => entry.level === 'error')).toEqual([
      expect.objectContaining({ problem: 'internal', err: expect.objectContaining({ name: 'ZodError' }) }),
    ]);
  });

  it('when input reaching a handler another way fails parseValue, then 400 validation_failed naming the fields', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/parse-value');
    expect(expectProblem(res.body, 'validation_failed', 400).errors).toEqual([{ path: 'flags.count', message: expect.any(String) }]);
  });

  it('when an AppError carries headers, then they are sent', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/rate-limited');
    expectProblem(res.body, 'rate_limited', 429);
    expect(res.headers['retry-after']).toBe('7');
  });
});

describe('validation', () => {
  it('writes parsed (coerced, defaulted) values for the handler', async () => {
    const { app } = buildApp();
    const res = await request(app).post('/v1/users').send({ name: 'Ann', age: 30, extra: 'dropped' });
    expect(res.body).toMatchObject({ name: 'Ann', age: 30, dryRun: false });
    expect(res.body).not.toHaveProperty('extra');
    expect((await request(app).get('/plain?limit=42')).body).toEqual({ limit: 42 });
  });

  it('reports query errors with the query. prefix', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/plain?limit=500');
    expect(expectProblem(res.body, 'validation_failed', 400).errors).toEqual([{ path: 'query.limit', message: expect.any(String) }]);
  });

  it('reports params errors with the params. prefix', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/v1/users/nobody');
    expect(expectProblem(res.body, 'validation_failed', 400).errors?.[0]?.path).toBe('params.id');
  });
  it('when a string holds a lone surrogate or a NUL, in the body or the query, then 400 names it and the handler never runs', async () => {
    const { app, logs } = buildApp();
    // JSON.stringify writes a lone surrogate as the escape \ud800: the body on the wire is plain ASCII JSON.
    const surrogate = await request(app)
      .post('/v1/users')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x\ud800y' }));
    expect(expectProblem(surrogate.body, 'validation_failed', 400).errors).toEqual([{ path: 'body.name', message: expect.stringContaining('Unicode') }]);
    const nul = await request(app).post('/v1/users?dryRun=true%00').send({ name: 'Ann\u0000' });
    expect(
      expectProblem(nul.body, 'validation_failed', 400)
        .errors?.map((e) => e.path)
        .sort(),
    ).toEqual(['body.name', 'query.dryRun']);
    expect(logs.lines().filter((entry) => entry.message === 'creating user')).toEqual([]);
  });

  it('when a header holds a NUL, then Node answers 400 before any route runs (why validation skips headers)', async () => {
    const { app, logs } = buildApp();
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      // HTTP clients refuse to send such a header, so the request is written by hand.
      const { connect } = await import('node:net');
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      const body = '{"name":"Ann"}';
      socket.end(`POST /v1/users HTTP/1.1\r\nHost: x\r\nX-Note: a\u0000b\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('close', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(logs.lines().filter((entry) => entry.message === 'creating user')).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('raw body', () => {
  it('when a path is in rawBodyPaths, then req.rawBody holds the exact bytes', async () => {
    const { app } = buildApp({ rawBodyPaths: ['/webhooks/'] });
    const raw = '{ "b": 1,\n  "a": [2] }';
    const res = await request(app).post('/webhooks/cloud').set('content-type', 'application/json').send(raw);
    expect(res.body).toEqual({ raw });
  });

  it('when no rawBodyPaths are given, then no request keeps its raw body', async () => {
    const { app } = buildApp();
    expect((await request(app).post('/webhooks/cloud').send({ a: 1 })).body).toEqual({ raw: null });
    expect((await request(app).post('/other').send({ a: 1 })).body).toEqual({ raw: null });
  });

  it('when rawBodyPaths is set, then only those prefixes keep it', async () => {
    const { app } = buildApp({ rawBodyPaths: ['/webhooks/'] });
    const kept = await request(app).post('/webhooks/cloud').send({ a: 1 });
    const dropped = await request(app).post('/other').send({ a: 1 });
    expect(kept.body).toEqual({ raw: '{"a":1}' });
    expect(dropped.body).toEqual({ raw: null });
  });
});

describe('app basics', () => {
  it('mounts /healthz, /readyz and /metrics (for the metrics token)', async () => {
    const { app } = buildApp({ health: { version: '1.2.3', checks: { db: async () => undefined } }, metricsToken: 'metrics-token-0123456789' });
    await request(app).get('/v1/users/u1');
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok', version: '1.2.3' });
    expect((await request(app).get('/readyz')).body).toMatchObject({ status: 'ready', checks: { db: 'ok' } });
    expect((await request(app).get('/metrics').set('authorization', 'Bearer metrics-token-0123456789')).text).toContain('route="/v1/users/:id"');
  });

  it('when /metrics is asked without the token or with another, then 401 problem+json and no metric', async () => {
    const { app } = buildApp({ metricsToken: 'metrics-token-0123456789' });
    for (const authorization of [undefined, 'Bearer metrics-token-012345678', 'Bearer metrics-token-0123456789x', 'metrics-token-0123456789']) {
      const req = request(app).get('/metrics');
      const res = await (authorization ? req.set('authorization', authorization) : req);
      expect([authorization, res.status, res.headers['www-authenticate']]).toEqual([authorization, 401, 'Bearer realm="metrics"']);
      expectProblem(res.body, 'unauthorized', 401);
      expect(res.text).not.toContain('http_request_duration_seconds');
    }
  });

  it('when no metrics token is configured, then /metrics does not exist', async () => {
    const { app } = buildApp();
    expectProblem((await request(app).get('/metrics')).body, 'route_not_found', 404);
  });

  it('does not send x-powered-by', async () => {
    const { app } = buildApp();
    expect((await request(app).get('/healthz')).headers['x-powered-by']).toBeUndefined();
  });

  it('applies trustProxy', async () => {
    const { app } = buildApp({
      trustProxy: 1,
      routes: (app: express.Express) => app.get('/ip', (req, res) => res.json({ ip: req.ip })),
    });
    expect((await request(app).get('/ip').set('x-forwarded-for', '203.0.113.9')).body).toEqual({ ip: '203.0.113.9' });
  });
});

import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { ApiRegistry } from './api-registry';
import { openApiRoutes } from './openapi.routes';

function app() {
  const registry = new ApiRegistry();
  const router = express.Router();
  registry.add(
    router,
    {
      method: 'get',
      path: '/v1/users/:userid',
      summary: 'One user',
      security: ['bearer'],
      input: { params: z.object({ userid: z.string() }), query: z.object({ fields: z.string().optional() }) },
      responses: { 200: { description: 'the user', schema: z.object({ userid: z.string(), name: z.string() }) }, 404: { description: 'unknown' } },
    },
    ({ params }, _req, res) => {
      res.json({ userid: params.userid, name: 'N' });
    },
  );
  registry.add(
    router,
    {
      method: 'post',
      path: '/v1/things',
      summary: 'Make',
      security: ['bearer'],
      scopes: ['things:write'],
      input: { body: z.object({ n: z.number().int() }).meta({ examples: [{ n: 7 }] }) },
      responses: { 201: { description: 'made', schema: z.object({ n: z.number().int() }).meta({ examples: [{ n: 7 }] }) } },
    },
    ({ body }, _req, res) => {
      res.status(201).json({ n: body.n });
    },
  );
  registry.add(
    router,
    {
      method: 'post',
      path: '/v1/jobs',
      summary: 'Start',
      input: { body: z.object({ full: z.boolean() }).optional() },
      responses: { 202: { description: 'started' } },
    },
    (_input, _req, res) => {
      res.status(202).end();
    },
  );
  const a = express();
  a.use(express.json());
  a.use(router);
  a.use(openApiRoutes({ title: 'T', version: '1', securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }, registry));
  return a;
}

describe('OpenAPI from the route registry', () => {
  it('when routes are registered, then they serve and appear in /openapi.json with their schemas', async () => {
    const a = app();
    await request(a).get('/v1/users/u1').expect(200, { userid: 'u1', name: 'N' });
    const doc = (await request(a).get('/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    const get = doc.paths['/v1/users/{userid}'].get;
    expect(get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'userid', in: 'path', required: true }),
        expect.objectContaining({ name: 'fields', in: 'query', required: false }),
      ]),
    );
    expect(get.responses['200'].content['application/json'].schema.properties.name).toEqual({ type: 'string' });
    expect(get.responses['404'].content['application/problem+json'].schema.properties.requestId).toBeDefined();
    expect(get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/things'].post.security).toEqual([{ bearer: ['things:write'] }]);
    expect(doc.paths['/v1/things'].post.requestBody.content['application/json'].schema.required).toEqual(['n']);
    expect(doc.paths['/v1/things'].post.requestBody.required).toBe(true);
    // A schema's own example is the media type's example (what Swagger UI shows and pre-fills).
    expect(doc.paths['/v1/things'].post.requestBody.content['application/json'].example).toEqual({ n: 7 });
    expect(doc.paths['/v1/things'].post.responses['201'].content['application/json'].example).toEqual({ n: 7 });
    expect(get.responses['200'].content['application/json']).not.toHaveProperty('example');
    // A body the route does without is documented as optional.
    await request(a).post('/v1/jobs').expect(202);
    expect(doc.paths['/v1/jobs'].post.requestBody.required).toBe(false);
  });

  it('serves an interactive docs page whose assets come from this service, not a CDN', async () => {
    const a = app();
    const res = await request(a).get('/docs').expect(200);
    const sources = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['/docs/swagger-ui.css', '/openapi.json', '/docs/swagger-ui-bundle.js', '/docs/init.js']);
    const bundle = await request(a).get('/docs/swagger-ui-bundle.js').expect(200);
    expect(bundle.headers['content-type']).toContain('javascript');
    expect(bundle.text).toContain('SwaggerUIBundle');
    expect((await request(a).get('/docs/swagger-ui.css').expect(200)).headers['content-type']).toContain('text/css');
    expect((await request(a).get('/docs/init.js').expect(200)).text).toContain("url: '/openapi.json'");
    await request(a).get('/docs/package.json').expect(404);
    await request(a).get('/docs/..%2Fpackage.json').expect(404);
  });

  it("serves the docs page under a CSP that runs only this origin's scripts, talks only to it, and that nothing may frame", async () => {
    const res = await request(app()).get('/docs').expect(200);
    const csp = new Map(
      (res.headers['content-security-policy'] ?? '')
        .split(';')
        .map((part: string) => part.trim().split(/\s+/))
        .map(([name = '', ...values]) => [name, values]),
    );
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('documents /metrics behind its bearer scheme', async () => {
    const doc = (await request(app()).get('/openapi.json').expect(200)).body;
    expect(doc.paths['/metrics'].get.security).toEqual([{ metricsToken: [] }]);
    expect(doc.components.securitySchemes.metricsToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

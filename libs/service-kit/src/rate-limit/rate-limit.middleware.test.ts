import express from 'express';
import request from 'supertest';
import { errorHandler } from '../errors/error-handler.middleware';
import { ProblemSchema } from '../errors/problem.schema';
import { captureLogs } from '../testing/log-capture';
import { clientAddress, rateLimit } from './rate-limit.middleware';
import { memoryRateLimiter } from './rate-limiter';

function app() {
  let handled = 0;
  const perClient = memoryRateLimiter({ points: 3, durationMs: 60_000 });
  const perTenant = memoryRateLimiter({ points: 5, durationMs: 60_000 });
  const a = express();
  a.set('trust proxy', 'loopback');
  a.get(
    '/start',
    rateLimit([
      { limiter: perClient, key: (req) => clientAddress(req), scope: 'from your address' },
      { limiter: perTenant, key: (req) => (typeof req.query.tenant === 'string' ? req.query.tenant : undefined), scope: 'for this tenant' },
    ]),
    (_req, res) => {
      handled += 1;
      res.json({ ok: true });
    },
  );
  a.use(errorHandler(captureLogs().logger));
  return { app: a, handled: () => handled };
}

const from =
  (address: string, tenant = 't1') =>
  (a: express.Express) =>
    request(a).get(`/start?tenant=${tenant}`).set('x-forwarded-for', address);

describe('rateLimit', () => {
  it('when one client spends its budget, then 429 problem+json with Retry-After, the handler is not reached, and other clients go on', async () => {
    const { app: a, handled } = app();
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.1')(a)).status).toBe(200);
    const refused = await from('203.0.113.1')(a);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(ProblemSchema.parse(refused.body)).toMatchObject({ code: 'rate_limited', detail: expect.stringContaining('from your address') });
    expect(handled()).toBe(3);
    expect((await from('203.0.113.2')(a)).status).toBe(200);
  });

  it('when many clients spend a tenant’s budget, then that tenant is refused and another is not', async () => {
    const { app: a } = app();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await from(`198.51.100.${i}`)(a)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await from('198.51.100.9')(a);
    expect(refused.body.detail).toContain('for this tenant');
    expect((await from('198.51.100.10', 't2')(a)).status).toBe(200);
  });
});

import express from 'express';
import request from 'supertest';
import { captureLogs } from '../testing/log-capture';
import { healthRoutes, type HealthOptions } from './health.routes';

function appWith(options: Omit<HealthOptions, 'version'>) {
  return express().use(healthRoutes({ version: '1.2.3', ...options }));
}

describe('healthRoutes', () => {
  it('GET /healthz is 200 ok without running checks', async () => {
    let checked = false;
    const res = await request(appWith({ checks: { db: async () => void (checked = true) } })).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: '1.2.3' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(checked).toBe(false);
  });

  it('GET /readyz is 200 when every check passes', async () => {
    const res = await request(appWith({ checks: { db: async () => undefined, migrations: async () => undefined } })).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', version: '1.2.3', checks: { db: 'ok', migrations: 'ok' } });
  });

  it('GET /readyz is 503 naming the failed and timed-out checks, and logs why', async () => {
    const { logger, lines } = captureLogs();
    const checks = {
      db: async () => undefined,
      migrations: async () => {
        throw new Error('pending migration 0003');
      },
      cache: () => new Promise<void>(() => undefined),
    };
    const res = await request(appWith({ checks, timeoutMs: 50, logger })).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not_ready', version: '1.2.3', checks: { db: 'ok', migrations: 'failed', cache: 'timeout' } });
    expect(JSON.stringify(res.body)).not.toContain('pending migration');
    const warnings = lines().filter((line) => line.level === 'warn');
    expect(warnings.map((line) => line.check).sort()).toEqual(['cache', 'migrations']);
    expect(JSON.stringify(warnings)).toContain('pending migration 0003');
  });

  it('a check that throws synchronously counts as failed', async () => {
    const checks = {
      db: (): Promise<void> => {
        throw new Error('no pool');
      },
    };
    const res = await request(appWith({ checks })).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ db: 'failed' });
  });
});

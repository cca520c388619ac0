import { Router } from 'express';
import type { Logger } from '../logging/create-logger';

export type HealthCheck = () => Promise<void>;

export interface HealthOptions {
  /** Readiness checks by name (e.g. `db`); each resolves when healthy and rejects otherwise. */
  checks: Record<string, HealthCheck>;
  version: string;
  /** Per-check budget in milliseconds; a slower check counts as failed. Default 2000. */
  timeoutMs?: number;
  /** Failed checks are logged here (the response only says which failed, not why). */
  logger?: Logger;
}

type CheckOutcome = 'ok' | 'failed' | 'timeout';

/** `/healthz` says the process is alive (never touches dependencies); `/readyz` runs every check. */
export function healthRoutes(options: HealthOptions): Router {
  const router = Router();
  const timeoutMs = options.timeoutMs ?? 2000;

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', version: options.version });
  });

  router.get('/readyz', async (_req, res) => {
    const names = Object.keys(options.checks);
    const outcomes = await Promise.all(names.map((name) => runCheck(name, options, timeoutMs)));
    const checks = Object.fromEntries(names.map((name, index) => [name, outcomes[index]]));
    const ready = outcomes.every((outcome) => outcome === 'ok');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'not_ready', version: options.version, checks });
  });

  return router;
}

async function runCheck(name: string, options: HealthOptions, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const check = options.checks[name];
  const attempt = Promise.resolve()
    .then(() => check?.())
    .then(
      (): CheckOutcome => 'ok',
      (error: unknown): CheckOutcome => {
        options.logger?.warn('readiness check failed', { check: name, err: error });
        return 'failed';
      },
    );
  const outcome = await Promise.race([attempt, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') options.logger?.warn('readiness check timed out', { check: name, timeoutMs });
  return outcome;
}

import { Router } from 'express';
import { z } from 'zod';
import { FaultRulesSchema } from '../limits/faults';
import { parseConfigPatch } from '../sim-config';
import type { Simulator } from '../simulator';
import { control } from './control-handler';

const RateLimitsSchema = z.object({
  defaultQps: z.number().positive().optional(),
  perApi: z.record(z.string(), z.number().positive()).optional(),
  globalPerApi: z.record(z.string(), z.number().positive()).optional(),
});
const ClockSchema = z.union([z.object({ advanceMs: z.number().int() }), z.object({ setMs: z.number().int() }), z.object({ freeze: z.boolean() })]);
const RequestsQuerySchema = z.object({ pathPrefix: z.string().optional(), sinceSeq: z.coerce.number().int().optional() });

/** `/_sim/...` basics: reset, fixture, config, rate limits, faults, clock, request log. */
export function controlRoutes(sim: Simulator): Router {
  const router = Router();
  router.get(
    '/_sim/health',
    control(() => ({ status: 'ok' })),
  );
  router.post(
    '/_sim/reset',
    control(() => sim.reset()),
  );
  router.get(
    '/_sim/fixture',
    control(() => sim.fixture()),
  );
  router.post(
    '/_sim/fixture',
    control(({ body }) => {
      const fixture = sim.loadFixture(body as never);
      return { ok: true, orgs: fixture.orgs.length, people: fixture.people.length };
    }),
  );
  router.get(
    '/_sim/config',
    control(() => sim.config),
  );
  router.patch(
    '/_sim/config',
    control(({ body }) => sim.updateConfig(parseConfigPatch(body))),
  );
  router.put(
    '/_sim/rate-limits',
    control(({ body }) => {
      const config = sim.setRateLimits(RateLimitsSchema.parse(body));
      return { defaultQps: config.defaultQps, perApi: config.perApiQps, globalPerApi: config.globalPerApiQps };
    }),
  );
  router.get(
    '/_sim/faults',
    control(() => ({ rules: sim.faults() })),
  );
  router.post(
    '/_sim/faults',
    control(({ body }) => ({ rules: sim.setFaults(FaultRulesSchema.parse(body).rules) })),
  );
  router.delete(
    '/_sim/faults',
    control(() => sim.clearFaults()),
  );
  router.get(
    '/_sim/clock',
    control(() => sim.clock.snapshot()),
  );
  router.post(
    '/_sim/clock',
    control(({ body }) => {
      const change = ClockSchema.parse(body);
      if ('advanceMs' in change) sim.clock.advance(change.advanceMs);
      else if ('setMs' in change) sim.clock.set(change.setMs);
      else sim.clock.freeze(change.freeze);
      return sim.clock.snapshot();
    }),
  );
  router.get(
    '/_sim/requests',
    control(({ query }) => {
      const q = RequestsQuerySchema.parse(query);
      return sim.requestLog({
        ...(q.pathPrefix !== undefined ? { pathPrefix: q.pathPrefix } : {}),
        ...(q.sinceSeq !== undefined ? { sinceSeq: q.sinceSeq } : {}),
      });
    }),
  );
  router.delete(
    '/_sim/requests',
    control(() => sim.clearRequestLog()),
  );
  router.get(
    '/_sim/tokens',
    control(() => sim.issuedTokens()),
  );
  router.post(
    '/_sim/tokens/revoke',
    control(({ body }) => ({ revoked: sim.revokeToken(z.object({ token: z.string() }).parse(body).token) })),
  );
  return router;
}

import { SimError } from '../core/sim-error';
import type { World } from '../world';

/**
 * QPS per (client, API path) — the 90018 / QpsLimitForAppkeyAndApi bucket — and, when configured,
 * an all-callers bucket per API path (90002 / QpsLimitForApi).
 */
export function checkRateLimits(world: World, clientKey: string, apiPath: string): void {
  const { config, limiter } = world;
  const globalQps = config.globalPerApiQps[apiPath];
  if (globalQps !== undefined && !limiter.tryTake(`*|${apiPath}`, globalQps)) {
    throw new SimError('api_qps_limited', `api ${apiPath} is over its global QPS limit, try again later`);
  }
  const qps = config.perApiQps[apiPath] ?? config.defaultQps;
  if (!limiter.tryTake(`${clientKey}|${apiPath}`, qps)) {
    throw new SimError('qps_limited', `app ${clientKey} exceeded ${qps} QPS on ${apiPath}`);
  }
}

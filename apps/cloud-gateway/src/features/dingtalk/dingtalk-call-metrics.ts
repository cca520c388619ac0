// Every HTTP attempt the DingTalk client makes, by API and by DingTalk's answer: the figures behind
// "DingTalk auth failures", throttling (90018) and token refreshes (calls to the token endpoints).
import type { CallRecord, TokenFetchRecord } from '@dtg/dingtalk-client';
import { Counter, Histogram, type Registry } from 'prom-client';

export interface DingTalkCallMetrics {
  /** The client's `onCall`. */
  record(call: CallRecord): void;
  /** The client's `onTokenFetch`. */
  tokenFetch(fetch: TokenFetchRecord): void;
  /** The client's `onRateLimitWait`. */
  rateLimitWait(wait: { path: string; waitMs: number }): void;
  register(registry: Registry): void;
}

export function dingtalkCallMetrics(): DingTalkCallMetrics {
  // Made before the registry exists (the client is built with the services); registered by the app.
  const calls = new Counter({
    name: 'dingtalk_api_calls_total',
    help: "DingTalk API attempts by path and result: ok, DingTalk's code (90018 throttled, 60011 permission, 40096 credentials, …) or the transport failure",
    labelNames: ['api', 'result'],
    registers: [],
  });
  const seconds = new Histogram({
    name: 'dingtalk_api_call_duration_seconds',
    help: 'DingTalk API attempt duration by path',
    labelNames: ['api'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [],
  });
  const refreshes = new Counter({
    name: 'dingtalk_token_refreshes_total',
    help: 'Access tokens fetched from DingTalk (cache misses and refreshes) by token kind (app, suite, corp, jsapi) and outcome (ok, failed)',
    labelNames: ['kind', 'outcome'],
    registers: [],
  });
  const waits = new Counter({
    name: 'dingtalk_rate_limit_waits_total',
    help: 'Calls the client-side rate limit (DINGTALK_QPS) held back before sending, by API path',
    labelNames: ['api'],
    registers: [],
  });
  const waited = new Counter({
    name: 'dingtalk_rate_limit_wait_seconds_total',
    help: 'Time calls spent waiting for the client-side rate limit, by API path',
    labelNames: ['api'],
    registers: [],
  });
  return {
    tokenFetch(fetch) {
      refreshes.inc({ kind: fetch.key.split(':')[0] ?? 'unknown', outcome: fetch.ok ? 'ok' : 'failed' });
    },
    rateLimitWait(wait) {
      waits.inc({ api: wait.path });
      waited.inc({ api: wait.path }, wait.waitMs / 1000);
    },
    record(call) {
      calls.inc({ api: call.path, result: call.result });
      seconds.observe({ api: call.path }, call.durationMs / 1000);
    },
    register(registry) {
      registry.registerMetric(calls);
      registry.registerMetric(seconds);
      registry.registerMetric(refreshes);
      registry.registerMetric(waits);
      registry.registerMetric(waited);
    },
  };
}

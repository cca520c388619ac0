// Every HTTP attempt the DingTalk client makes, by API and by DingTalk's answer: the figures behind
// "DingTalk auth failures", throttling (90018) and token refreshes (calls to the token endpoints).
import type { CallRecord } from '@dtg/dingtalk-client';
import { Counter, Histogram, type Registry } from 'prom-client';

export interface DingTalkCallMetrics {
  /** The client's `onCall`. */
  record(call: CallRecord): void;
  register(registry: Registry): void;
  /** The counts since this process started, by API and result (the operator console's chart). */
  snapshot(): Promise<{ api: string; result: string; count: number }[]>;
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
  return {
    record(call) {
      calls.inc({ api: call.path, result: call.result });
      seconds.observe({ api: call.path }, call.durationMs / 1000);
    },
    register(registry) {
      registry.registerMetric(calls);
      registry.registerMetric(seconds);
    },
    async snapshot() {
      const { values } = await calls.get();
      return values.map((v) => ({ api: String(v.labels.api), result: String(v.labels.result), count: v.value }));
    },
  };
}

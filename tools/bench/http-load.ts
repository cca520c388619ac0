// autocannon's programmatic API, the same way for both sides of a comparison: a short warm-up (JIT,
// connection pools) and then the measured run with identical connections and duration.
import autocannon from 'autocannon';

export interface LoadOptions {
  /** Several (cloud replicas): autocannon spreads the connections over them round-robin. */
  url: string | string[];
  path: string;
  headers?: Record<string, string>;
  /** Body of the n-th request: varied so no two requests are the same message. */
  body: (n: number) => unknown;
  connections: number;
  durationS: number;
}

export interface LoadResult {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  /** Non-2xx answers, socket errors and timeouts: a run with any of them measured something else. */
  failures: number;
}

async function run(options: LoadOptions, durationS: number, counter: { n: number }): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'application/json', ...options.headers },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(options.body(counter.n++)) }),
      },
    ],
  });
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export async function measureLoad(options: LoadOptions, warmUpS = 2): Promise<LoadResult> {
  const counter = { n: 0 };
  await run(options, warmUpS, counter);
  return run(options, options.durationS, counter);
}

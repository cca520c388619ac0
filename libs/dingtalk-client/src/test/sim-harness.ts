import { DEMO, startSimulator, type RequestLogEntry, type RunningSim } from '@dtg/dingtalk-sim';
import { DingTalkClient, InMemorySuiteTicketSource, type AppCredentials, type DingTalkClientOptions } from '../index';

export { DEMO };

/** The demo org's internal app and its suite install, as the product would configure them. */
export const internalApp: AppCredentials = {
  mode: 'internal',
  appKey: DEMO.app.appKey,
  appSecret: DEMO.app.appSecret,
  corpId: DEMO.corpId,
  agentId: DEMO.app.agentId,
};
export const isvInstall: AppCredentials = {
  mode: 'isv',
  suiteKey: DEMO.suite.suiteKey,
  suiteSecret: DEMO.suite.suiteSecret,
  corpId: DEMO.corpId,
  agentId: DEMO.suite.agentId,
};
export const suiteCredentials = { suiteKey: DEMO.suite.suiteKey, suiteSecret: DEMO.suite.suiteSecret };

/**
 * A simulator on port 0 plus helpers for its `/_sim` control plane (used over HTTP, as any
 * external test tool would). The client's clock follows the simulator's clock so token expiry
 * and request signatures agree when a test moves time.
 */
export class SimHarness {
  private constructor(readonly running: RunningSim) {}

  static async start(config: Parameters<typeof startSimulator>[0] = {}): Promise<SimHarness> {
    return new SimHarness(await startSimulator({ port: 0, ...config }));
  }

  get url(): string {
    return this.running.url;
  }

  /** A client wired to the simulator; tickets come from a source seeded with the initial ticket. */
  client(options: DingTalkClientOptions = {}): DingTalkClient {
    return new DingTalkClient({
      baseUrls: { loginBaseUrl: this.url, apiBaseUrl: this.url, oapiBaseUrl: this.url },
      clock: { now: () => this.running.sim.clock.now() },
      suiteTicketSource: new InMemorySuiteTicketSource({ [DEMO.suite.suiteKey]: DEMO.suite.initialTicket }),
      retry: { baseDelayMs: 20, throttledDelayMs: 200 },
      ...options,
    });
  }

  async control<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`control ${method} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  requests(pathPrefix = '/'): Promise<RequestLogEntry[]> {
    return this.control('GET', `/requests?pathPrefix=${encodeURIComponent(pathPrefix)}`);
  }

  advanceClock(ms: number): Promise<unknown> {
    return this.control('POST', '/clock', { advanceMs: ms });
  }

  faults(rules: Array<{ path?: string; kind: string; probability?: number; times?: number; holdMs?: number }>): Promise<unknown> {
    return this.control('POST', '/faults', { rules });
  }

  async reset(): Promise<void> {
    await this.control('POST', '/reset');
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

/** One simulator for the test file, reset before each test, with a fresh client for it. */
export function eachSimClient(use: (sim: SimHarness, client: DingTalkClient) => void): void {
  let sim: SimHarness | undefined;
  beforeAll(async () => {
    sim = await SimHarness.start();
  });
  afterAll(() => sim?.close());
  beforeEach(async () => {
    await sim!.reset();
    use(sim!, sim!.client());
  });
}

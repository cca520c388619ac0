// A cloud wired to the DingTalk simulator for the login, users and directory tests: tenants on the
// demo org, a "browser" that follows every hop of the login over real HTTP, and event reads by pull.
import type { EventEnvelope } from '@dtg/contracts';
import { DEMO, startSimulator, type RunningSim } from '@dtg/dingtalk-sim';
import { ADMIN_TOKEN, startCloud, type CloudHarness } from './cloud-harness';

/**
 * The cloud's public origin. The harness listens on a random port, so the browser below maps this
 * origin to it — as a reverse proxy would. The simulator accepts any localhost redirect_uri.
 */
export const PUBLIC_URL = 'http://localhost:3999';
export const RETURN_TO = 'http://localhost:3000/login/done?from=cloud';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface TestTenant {
  id: string;
  apiKey: string;
}

export interface IdentityStack {
  sim: RunningSim;
  cloud: CloudHarness;
  /** Added to the cloud's clock (not the simulator's). */
  clock: { offsetMs: number };
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply<T>>;
  createTenant(overrides?: Record<string, unknown>): Promise<TestTenant>;
  /** Every event of the tenant, pulled from /v1/events. */
  events(tenant: TestTenant): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

/** A fresh stack with one tenant for each test of the enclosing block, closed after it. */
export function eachIdentityStack(use: (stack: IdentityStack, tenant: TestTenant) => void): void {
  let current: IdentityStack | undefined;
  beforeEach(async () => {
    current = await startIdentityStack();
    use(current, await current.createTenant());
  });
  afterEach(() => current?.close());
}

export async function startIdentityStack(options: { env?: Record<string, string> } = {}): Promise<IdentityStack> {
  const sim = await startSimulator({ port: 0 });
  const clock = { offsetMs: 0 };
  const cloud = await startCloud({
    dispatcher: false,
    overrides: { now: () => Date.now() + clock.offsetMs },
    env: {
      PUBLIC_URL,
      DINGTALK_LOGIN_URL: sim.url,
      DINGTALK_API_URL: sim.url,
      DINGTALK_OAPI_URL: sim.url,
      JOB_POLL_INTERVAL: '50ms',
      SUITE_KEY: DEMO.suite.suiteKey,
      SUITE_SECRET: DEMO.suite.suiteSecret,
      ...options.env,
    },
  });

  async function call<T>(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const res = await fetch(cloud.url + path, {
      method,
      headers: {
        authorization: `Bearer ${opts.token ?? ADMIN_TOKEN}`,
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      redirect: 'manual',
    });
    const text = await res.text();
    const json = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : undefined;
    return { status: res.status, body: json as T, text, headers: res.headers };
  }

  return {
    sim,
    cloud,
    clock,
    call,
    async createTenant(overrides = {}) {
      const res = await call<{ tenant: { id: string }; apiKey: { key: string } }>('POST', '/admin/tenants', {
        body: {
          name: 'Demo Org',
          corpId: DEMO.corpId,
          appKey: DEMO.app.appKey,
          appSecret: DEMO.app.appSecret,
          agentId: DEMO.app.agentId,
          returnUrls: [RETURN_TO, 'http://127.0.0.1:3000/other'],
          ...overrides,
        },
      });
      if (res.status !== 201) throw new Error(`tenant creation failed: ${res.text}`);
      return { id: res.body.tenant.id, apiKey: res.body.apiKey.key };
    },
    async events(tenant) {
      const res = await call<{ events: EventEnvelope[] }>('GET', '/v1/events?after=0&limit=1000', { token: tenant.apiKey });
      if (res.status !== 200) throw new Error(`pull failed: ${res.text}`);
      return res.body.events;
    },
    async close() {
      await cloud.close();
      await sim.close();
    },
  };
}

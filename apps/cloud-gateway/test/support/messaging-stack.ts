// A cloud wired to a DingTalk simulator with one internal-app tenant on the demo org, plus helpers
// to drive /v1/messages and observe what happened: events by pull, asyncsend_v2 calls in the
// simulator's request log, tasks and inboxes through its control plane.
import { randomBytes } from 'node:crypto';
import type { EventEnvelope, EventType } from '@dtg/contracts';
import { DEMO, startSimulator, type RequestLogEntry, type RunningSim, type SimConfigInput } from '@dtg/dingtalk-sim';
import { ADMIN_TOKEN, startCloud, type CloudHarness } from './cloud-harness';
import { waitFor } from '@dtg/testkit';

export const SEND_PATH = '/topapi/message/corpconversation/asyncsend_v2';

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface SimTask {
  taskId: number;
  recipients: string[];
  request: { userids?: string[] };
  results: { invalid: string[]; forbidden: { code: string; userid: string }[]; failed: string[]; delivered: string[]; read: string[]; unread: string[] };
  completed: boolean;
  recalled: boolean;
}

export interface MessagingStack {
  sim: RunningSim;
  cloud: CloudHarness;
  /** The cloud's env (fixed secrets included), to start a second cloud on the same database. */
  cloudEnv: Record<string, string>;
  /** Added to the cloud's clock (not the simulator's). */
  clock: { offsetMs: number };
  tenant: { id: string; apiKey: string };
  call<T = unknown>(method: string, path: string, body?: unknown, options?: { token?: string; headers?: Record<string, string> }): Promise<Reply<T>>;
  send(body: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Every event of a message, pulled from /v1/events. */
  eventsOf(messageId: string, token?: string): Promise<EventEnvelope[]>;
  /** Pulls with the demo tenant's key unless another tenant's `token` is given. */
  waitForEvent<T extends EventType>(type: T, messageId: string, options?: { token?: string; timeoutMs?: number }): Promise<EventEnvelope<T>>;
  /** asyncsend_v2 requests in the simulator's log, each with the userids it carried. */
  sendCalls(): (RequestLogEntry & { userids: string[] })[];
  simTask(taskId: number): Promise<SimTask>;
  close(): Promise<void>;
}

export async function startMessagingStack(
  options: { env?: Record<string, string>; simConfig?: SimConfigInput; productionReceipts?: boolean } = {},
): Promise<MessagingStack> {
  const sim = await startSimulator({ port: 0, config: options.simConfig });
  const clock = { offsetMs: 0 };
  const cloudEnv = {
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    USER_TOKEN_SECRET: randomBytes(32).toString('hex'),
    DINGTALK_LOGIN_URL: sim.url,
    DINGTALK_API_URL: sim.url,
    DINGTALK_OAPI_URL: sim.url,
    JOB_POLL_INTERVAL: '50ms',
    // Outcomes polled within a second, so tests wait little; read polls only when a test moves the
    // cloud's clock (`clock.offsetMs`) an hour at a time. The production schedules are minutes and hours.
    ...(options.productionReceipts ? {} : { MESSAGE_RECEIPT_SCHEDULE: '100ms,200ms,300ms', MESSAGE_READ_POLL_SCHEDULE: '1h,2h,3h' }),
    ...options.env,
  };
  const cloud = await startCloud({ dispatcher: false, overrides: { now: () => Date.now() + clock.offsetMs }, env: cloudEnv });

  async function call<T>(method: string, path: string, body?: unknown, opts: { token?: string; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const res = await fetch(cloud.url + path, {
      method,
      headers: { authorization: `Bearer ${opts.token ?? ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  const created = await call<{ tenant: { id: string }; apiKey: { key: string } }>('POST', '/admin/tenants', {
    name: 'Demo Org',
    corpId: DEMO.corpId,
    appKey: DEMO.app.appKey,
    appSecret: DEMO.app.appSecret,
    agentId: DEMO.app.agentId,
  });
  if (created.status !== 201) throw new Error(`tenant creation failed: ${JSON.stringify(created.body)}`);
  const tenant = { id: created.body.tenant.id, apiKey: created.body.apiKey.key };

  async function eventsOf(messageId: string, token = tenant.apiKey): Promise<EventEnvelope[]> {
    const page = await call<{ events: EventEnvelope[] }>('GET', '/v1/events?after=0&limit=1000', undefined, { token });
    return page.body.events.filter((e) => (e.data as { messageId?: string }).messageId === messageId);
  }

  return {
    sim,
    cloud,
    cloudEnv,
    clock,
    tenant,
    call,
    send: (body, headers) => call('POST', '/v1/messages', body, { token: tenant.apiKey, headers }),
    eventsOf,
    async waitForEvent(type, messageId, options = {}) {
      const events = () => eventsOf(messageId, options.token);
      const found = await waitFor(async () => (await events()).find((e) => e.type === type), `${type} of ${messageId}`, options.timeoutMs ?? 15_000);
      return found as EventEnvelope<typeof type>;
    },
    sendCalls() {
      return sim.sim.requestLog({ pathPrefix: SEND_PATH }).map((entry) => {
        const list = (entry.body as { userid_list?: string }).userid_list ?? '';
        return { ...entry, userids: list === '' ? [] : list.split(',') };
      });
    },
    async simTask(taskId) {
      const res = await fetch(`${sim.url}/_sim/tasks/${taskId}`);
      return (await res.json()) as SimTask;
    },
    async close() {
      await cloud.close();
      await sim.close();
    },
  };
}

export const markdown = (title: string, text = `**${title}**`) => ({ msgtype: 'markdown', markdown: { title, text } });
export const text = (content: string) => ({ msgtype: 'text', text: { content } });

/**
 * One messaging stack for the enclosing describe block: started before its tests (handed to `use`),
 * closed after them.
 */
export function useMessagingStack(use: (stack: MessagingStack) => void, options: Parameters<typeof startMessagingStack>[0] = {}): void {
  let stack: MessagingStack | undefined;
  beforeAll(async () => {
    stack = await startMessagingStack(options);
    use(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });
}

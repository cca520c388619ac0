import { request as httpRequest } from 'node:http';
import { DEMO, startSimulator, type RunningSim, type SimOptions } from '../src';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A tiny HTTP helper for tests: real requests against the simulator on port 0. */
export class SimClient {
  constructor(readonly running: RunningSim) {}

  get url(): string {
    return this.running.url;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    init: { body?: unknown; form?: Record<string, string>; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.raw !== undefined) {
      body = init.raw;
    } else if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  /** A GET with a body, which fetch refuses to send. */
  getWithBody(path: string, body: string, contentType: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${this.url}${path}`,
        { method: 'GET', headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Old host call with the token in the query. */
  oapi<T = Record<string, unknown>>(path: string, token: string | undefined, body?: unknown) {
    const sep = path.includes('?') ? '&' : '?';
    return this.request<T>('POST', token === undefined ? path : `${path}${sep}access_token=${token}`, { body: body ?? {} });
  }

  /** New host call with the token in the header. */
  api<T = Record<string, unknown>>(method: string, path: string, token?: string, body?: unknown) {
    return this.request<T>(method, path, { ...(body !== undefined ? { body } : {}), ...(token ? { headers: { 'x-acs-dingtalk-access-token': token } } : {}) });
  }

  async appToken(): Promise<string> {
    const r = await this.request<{ access_token: string }>('GET', `/gettoken?appkey=${DEMO.app.appKey}&appsecret=${DEMO.app.appSecret}`);
    return r.body.access_token;
  }

  async corpToken(corpId: string = DEMO.corpId): Promise<string> {
    const r = await this.api<{ accessToken: string }>('POST', '/v1.0/oauth2/corpAccessToken', undefined, {
      suiteKey: DEMO.suite.suiteKey,
      suiteSecret: DEMO.suite.suiteSecret,
      authCorpId: corpId,
      suiteTicket: this.running.sim.currentSuiteTicket(),
    });
    return r.body.accessToken;
  }

  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
    return this.request<T>(method, `/_sim${path}`, body !== undefined ? { body } : {});
  }
}

/** Starts a simulator for one test file and stops it afterwards. */
export function useSimulator(opts: SimOptions = {}): () => SimClient {
  let client: SimClient | undefined;
  beforeAll(async () => {
    client = new SimClient(await startSimulator({ port: 0, ...opts }));
  });
  afterAll(async () => {
    await client?.running.close();
  });
  beforeEach(() => client?.running.sim.reset());
  return () => {
    if (!client) throw new Error('simulator not started');
    return client;
  };
}

export const OAPI_REQUEST_ID = /^[0-9a-z]{13}$/;
export const API_REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

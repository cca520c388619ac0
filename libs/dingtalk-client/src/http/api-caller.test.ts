import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import axios from 'axios';
import { z } from 'zod';
import { DingTalkApiError, DingTalkTransportError } from '../errors/dingtalk-errors';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { ApiCaller, type CallSpec } from './api-caller';
import { DEFAULT_RETRY } from './retry-policy';
import { toHttpSend, type Transport } from './transport';
import { rejection } from '../test/rejections';

// A bare HTTP server standing in for DingTalk where the simulator cannot misbehave precisely
// enough: hanging forever, resetting mid-request, counting attempts.
interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
/** Requests the caller sent, whether or not a server got them (a refused connection never shows in `seen`). */
let sends = 0;
let busyLeft = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      const path = (req.url ?? '').split('?')[0];
      if (path === '/hang') return;
      if (path === '/reset') return void req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      if (path === '/busy' && busyLeft > 0) {
        busyLeft -= 1;
        return void res.end(JSON.stringify({ errcode: -1, errmsg: 'system busy' }));
      }
      res.end(JSON.stringify({ errcode: 0, value: 'ok' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  sends = 0;
});

const valueSchema = z.object({ value: z.string() }).transform((r) => r.value);

function caller(transport: Transport, overrides: { timeoutMs?: number; base?: string; requestId?: string } = {}) {
  const base = overrides.base ?? baseUrl;
  const send = toHttpSend(transport);
  return new ApiCaller({
    baseUrls: { loginBaseUrl: base, apiBaseUrl: base, oapiBaseUrl: base },
    send: (request) => {
      sends += 1;
      return send(request);
    },
    timeoutMs: overrides.timeoutMs ?? 2000,
    retry: { ...DEFAULT_RETRY, baseDelayMs: 5, jitter: 0 },
    limiter: new RateLimiter(),
    requestId: () => overrides.requestId,
  });
}

function spec(path: string, extra: Partial<CallSpec<string>> = {}): CallSpec<string> {
  return { host: 'oapi', method: 'POST', path, schema: valueSchema, idempotent: true, rateKey: 'app:k', body: { a: 1 }, ...extra };
}

const transports: Array<[string, () => Transport]> = [
  ['axios', () => axios.create()],
  ['fetch', () => fetch],
];

describe.each(transports)('ApiCaller over %s', (_name, makeTransport) => {
  it('when calling the old host, then the token goes in the query, the body is JSON and x-request-id is forwarded', async () => {
    const value = await caller(makeTransport(), { requestId: 'req-123' }).call(spec('/ok', { auth: 'tok/+=' }));
    expect(value).toBe('ok');
    const [request] = seen;
    expect(request?.url).toBe('/ok?access_token=tok%2F%2B%3D');
    expect(request?.headers['x-request-id']).toBe('req-123');
    expect(request?.headers['x-acs-dingtalk-access-token']).toBeUndefined();
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ a: 1 });
  });

  it('when calling the new host, then the token goes only in x-acs-dingtalk-access-token', async () => {
    await caller(makeTransport()).call(spec('/ok', { host: 'api', method: 'GET', body: undefined, auth: 'tok' }));
    expect(seen[0]?.url).toBe('/ok');
    expect(seen[0]?.headers['x-acs-dingtalk-access-token']).toBe('tok');
    expect(seen[0]?.headers['x-request-id']).toBeUndefined();
  });

  it('when the server never answers, then the deadline aborts with a timeout that may have reached the server', async () => {
    // The server holds the request forever: only the caller's deadline can end the call, and `timeout` says it did.
    const err = await rejection(caller(makeTransport(), { timeoutMs: 150 }).call(spec('/hang', { idempotent: false })));
    expect(err).toBeInstanceOf(DingTalkTransportError);
    expect(err).toMatchObject({ reason: 'timeout', mayHaveReachedServer: true, outcome: 'unknown', path: '/hang' });
    expect(seen).toHaveLength(1);
    expect(sends).toBe(1);
  });

  it('when a non-idempotent request is reset after it was written, then it is not retried', async () => {
    const err = await rejection(caller(makeTransport()).call(spec('/reset', { idempotent: false })));
    expect(err).toMatchObject({ name: 'DingTalkTransportError', reason: 'connection', mayHaveReachedServer: true });
    expect(seen).toHaveLength(1);
  });

  it('when an idempotent request is reset, then it is retried up to maxAttempts', async () => {
    const err = await rejection(caller(makeTransport()).call(spec('/reset')));
    expect(err).toBeInstanceOf(DingTalkTransportError);
    expect(seen).toHaveLength(DEFAULT_RETRY.maxAttempts);
  });

  it('when the port refuses connections, then even a send is retried because it never left', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await rejection(caller(makeTransport(), { base: `http://127.0.0.1:${port}` }).call(spec('/ok', { idempotent: false })));
    expect(err).toMatchObject({ name: 'DingTalkTransportError', reason: 'connection', mayHaveReachedServer: false, outcome: 'rejected' });
    // Retried although not idempotent: it never left.
    expect(sends).toBe(DEFAULT_RETRY.maxAttempts);
  });

  it.each(['/hang', '/reset'])(
    'when %s fails at the transport level, then the error keeps method, path and classification and nothing of the request',
    async (path) => {
      const secrets = ['tok-in-the-query-0123456789', 'app-secret-in-the-body-0123456789', 'secret-in-the-query-0123456789'];
      const failing = spec(path, { idempotent: false, auth: secrets[0], query: { appsecret: secrets[2] }, body: { appSecret: secrets[1], code: 'c0de' } });
      const err = await rejection(caller(makeTransport(), { timeoutMs: 150 }).call(failing));
      expect(err).toBeInstanceOf(DingTalkTransportError);
      expect(err).toMatchObject({ method: 'POST', path, reason: path === '/hang' ? 'timeout' : 'connection', mayHaveReachedServer: true });
      // No `cause` (the transport's error carries the request's URL and body) and no other property holding them.
      expect((err as Error).cause).toBeUndefined();
      const everything = inspect(err, { depth: 20, showHidden: true }) + JSON.stringify(err);
      for (const secret of secrets) expect(everything).not.toContain(secret);
      expect(everything).not.toContain('?');
      if (path === '/reset') expect((err as DingTalkTransportError).networkCode).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
    },
  );

  it('when DingTalk is busy twice, then an idempotent read succeeds on the third attempt', async () => {
    busyLeft = 2;
    expect(await caller(makeTransport()).call(spec('/busy'))).toBe('ok');
    expect(seen).toHaveLength(3);
  });

  it('when DingTalk is busy for a send, then the error surfaces at once with outcome unknown', async () => {
    busyLeft = 1;
    const err = await rejection(caller(makeTransport()).call(spec('/busy', { idempotent: false })));
    expect(err).toBeInstanceOf(DingTalkApiError);
    expect(err).toMatchObject({ errcode: -1, outcome: 'unknown' });
    expect(seen).toHaveLength(1);
    busyLeft = 0;
  });
});

// The connect-time check, against a real HTTP server on 127.0.0.1. The resolver is the one stand-in:
// it answers "store.example.com" with a public address for the URL guard and with loopback when the
// socket connects — DNS rebinding — which the guard alone cannot see.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { addressPolicy } from './address-policy';
import { createWebhookSender } from './webhook-sender';
import { assertSafeWebhookUrl } from './webhook-url-guard';

let server: Server;
let port: number;
let received = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    received += 1;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = 0;
});

/** A resolver that rebinds: every name resolves to 127.0.0.1 when a socket asks. */
const toLoopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all)
    (callback as unknown as (err: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

const post = (send: ReturnType<typeof createWebhookSender>, url: string) => send(url, '{}', { 'content-type': 'application/json' }, 2000);

describe('webhook agents', () => {
  const strict = addressPolicy({ allowPrivateNetworks: false });
  const optedIn = addressPolicy({ allowPrivateNetworks: true });

  it('when a name that passed the URL guard resolves to loopback at connect time, then nothing is sent', async () => {
    const url = `http://store.example.com:${port}/hook`;
    await expect(assertSafeWebhookUrl(url, strict, async () => ['203.0.114.7'])).resolves.toBeInstanceOf(URL);
    const send = createWebhookSender({ policy: strict, allowPrivateNetworks: false, maxSockets: 4, lookup: toLoopback });
    const result = await post(send, url);
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/127\.0\.0\.1 is a loopback or private-network address/);
    expect(received).toBe(0);
  });

  it('when private networks are allowed, then the same push arrives', async () => {
    const send = createWebhookSender({ policy: optedIn, allowPrivateNetworks: true, maxSockets: 4, lookup: toLoopback });
    expect((await post(send, `http://store.example.com:${port}/hook`)).status).toBe(200);
    expect(received).toBe(1);
  });

  it.each(['127.0.0.1', '[::ffff:127.0.0.1]'])('when the URL holds the IP literal %s, then it is judged without a lookup', async (host) => {
    const strictSend = createWebhookSender({ policy: strict, allowPrivateNetworks: false, maxSockets: 4 });
    expect((await post(strictSend, `http://${host}:${port}/hook`)).error).toMatch(/loopback or private-network/);
    expect(received).toBe(0);
  });

  it('when private networks are allowed, then a metadata literal is still refused at connect time', async () => {
    const send = createWebhookSender({ policy: optedIn, allowPrivateNetworks: true, maxSockets: 4 });
    const result = await post(send, 'http://[::ffff:169.254.169.254]/latest/meta-data');
    expect(result.error).toMatch(/metadata/);
  });
});

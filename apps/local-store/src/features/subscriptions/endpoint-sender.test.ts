import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEndpointSender } from './endpoint-sender';

let server: Server;
let base: string;
const send = createEndpointSender(4);

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(204).end(), 1_000);
      if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(100_000));
      if (req.url === '/busy') return void res.writeHead(503, { 'retry-after': '7' }).end('later');
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('endpoint sender', () => {
  it('reports the status, Retry-After and at most 1 KB of the answer (a large answer is not an error)', async () => {
    expect(await send(`${base}/ok`, '{}', {}, 2000)).toMatchObject({ status: 204, body: '' });
    expect(await send(`${base}/busy`, '{}', {}, 2000)).toMatchObject({ status: 503, retryAfter: '7', body: 'later' });
    const big = await send(`${base}/big`, '{}', {}, 2000);
    expect([big.status, big.body.length, big.error]).toEqual([200, 1024, undefined]);
  });

  it('when nothing answers in time or nothing listens, then an error and no status', async () => {
    const slow = await send(`${base}/slow`, '{}', {}, 200);
    expect([slow.status, slow.error]).toEqual([undefined, 'timed out']);
    const refused = await send('http://127.0.0.1:9/hook', '{}', {}, 2000);
    expect([refused.status, refused.error]).toEqual([undefined, 'ECONNREFUSED']);
  });
});

// An HTTP endpoint for tests and benchmarks to receive pushes on (webhooks, subscription changes,
// operator events). Each caller decides what a push means (verify, record, answer); this listens
// on a free loopback port, hands over each request's whole body, and closes together with the
// keep-alive connections the senders under test hold open.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestEndpoint {
  /** `http://127.0.0.1:<port><path>`. */
  url: string;
  close(): Promise<void>;
}

export async function startTestEndpoint(path: string, handle: (raw: Buffer, req: IncomingMessage, res: ServerResponse) => void): Promise<TestEndpoint> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(Buffer.concat(chunks), req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// A customer service's subscription endpoint, as an integrator would write it with
// @dtg/local-client: verifies each push on the raw body, records it, and answers as `respond` says.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyChangeWebhook, type ChangeEvent } from '@dtg/local-client';

export interface Received {
  webhookId: string;
  event: ChangeEvent;
}

export interface ChangeEndpoint {
  url: string;
  /** Every push that verified (a push that does not is answered 401 and recorded in `refused`). */
  received: Received[];
  refused: number;
  secrets: string[];
  /** How long to hold the answer of a push (default: answer at once with 204). */
  holdMs: (event: ChangeEvent) => number;
  close(): Promise<void>;
}

export async function startChangeEndpoint(): Promise<ChangeEndpoint> {
  const endpoint: ChangeEndpoint = { url: '', received: [], refused: 0, secrets: [], holdMs: () => 0, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let event: ChangeEvent;
      try {
        event = verifyChangeWebhook(Buffer.concat(chunks), req.headers as IncomingHttpHeaders & Record<string, string>, endpoint.secrets);
      } catch {
        endpoint.refused += 1;
        res.writeHead(401).end();
        return;
      }
      endpoint.received.push({ webhookId: String(req.headers['webhook-id']), event });
      setTimeout(() => res.writeHead(204).end(), endpoint.holdMs(event));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dingtalk-changes`;
  endpoint.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return endpoint;
}

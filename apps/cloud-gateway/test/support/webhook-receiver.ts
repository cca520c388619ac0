// A stand-in for a tenant's webhook endpoint: verifies Standard Webhooks signatures on the raw
// body and records what arrived; `respond` lets a test script failures.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@dtg/webhook-signing';

export interface Received {
  id: string;
  headers: IncomingMessage['headers'];
  body: { id: string; seq: number; type: string; data: unknown };
  verified: boolean;
}

export interface WebhookReceiver {
  url: string;
  received: Received[];
  secrets: string[];
  /** Decides each answer; default 200. */
  respond: (r: Received, n: number) => { status: number; headers?: Record<string, string>; delayMs?: number };
  close(): Promise<void>;
}

export async function startReceiver(secrets: string[] = []): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    secrets,
    respond: () => ({ status: 200 }),
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let verified = false;
      try {
        verifyWebhook(raw, req.headers, receiver.secrets);
        verified = true;
      } catch {
        verified = false;
      }
      const entry: Received = { id: String(req.headers['webhook-id']), headers: req.headers, body: JSON.parse(raw.toString('utf8')), verified };
      receiver.received.push(entry);
      const answer = receiver.respond(entry, receiver.received.length);
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify({ ok: answer.status < 300 }));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/cloud`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

// A stand-in for a tenant's webhook endpoint: verifies Standard Webhooks signatures on the raw
// body and records what arrived; `respond` lets a test script failures.
import type { IncomingMessage } from 'node:http';
import { startTestEndpoint } from '@dtg/testkit';
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
  const endpoint = await startTestEndpoint('/webhooks/cloud', (raw, req, res) => {
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
    // A slow receiver, when the test scripts one (the dispatcher's timeout and concurrency).
    setTimeout(() => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify({ ok: answer.status < 300 }));
    }, answer.delayMs ?? 0);
  });
  receiver.url = endpoint.url;
  receiver.close = endpoint.close;
  return receiver;
}

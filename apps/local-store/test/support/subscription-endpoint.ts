// A customer's subscription endpoint for tests: verifies each push's Standard Webhooks signature
// on the raw body against the secrets it is given, records it, and answers as `respond` says.
import type { IncomingMessage } from 'node:http';
import { ChangeEventSchema, type ChangeEvent } from '@dtg/contracts';
import { startTestEndpoint } from '@dtg/testkit';
import { verifyWebhook } from '@dtg/webhook-signing';

export interface Push {
  id: string;
  headers: IncomingMessage['headers'];
  /** The body exactly as received (what the signature covers). */
  raw: string;
  event: ChangeEvent;
  /** Signed by any of `secrets`, by any signature in the header. */
  verified: boolean;
}

export interface Endpoint {
  url: string;
  pushes: Push[];
  secrets: string[];
  /** Most pushes seen open at once for one webhook-id (> 1 would be the same event pushed twice concurrently). */
  maxConcurrentPerId: number;
  respond: (push: Push, n: number) => { status: number; headers?: Record<string, string>; delayMs?: number };
  close(): Promise<void>;
}

export async function startEndpoint(): Promise<Endpoint> {
  const open = new Map<string, number>();
  const endpoint: Endpoint = { url: '', pushes: [], secrets: [], maxConcurrentPerId: 0, respond: () => ({ status: 204 }), close: async () => undefined };
  const server = await startTestEndpoint('/hooks/changes', (body, req, res) => {
    const raw = body.toString('utf8');
    let verified = true;
    try {
      verifyWebhook(raw, req.headers, endpoint.secrets);
    } catch {
      verified = false;
    }
    const id = String(req.headers['webhook-id']);
    const push: Push = { id, headers: req.headers, raw, event: ChangeEventSchema.parse(JSON.parse(raw)) as ChangeEvent, verified };
    endpoint.pushes.push(push);
    open.set(id, (open.get(id) ?? 0) + 1);
    endpoint.maxConcurrentPerId = Math.max(endpoint.maxConcurrentPerId, open.get(id) ?? 0);
    const answer = endpoint.respond(push, endpoint.pushes.length);
    // Held open as long as the test scripts it: how concurrent pushes of one id would show.
    setTimeout(() => {
      open.set(id, (open.get(id) ?? 1) - 1);
      res.writeHead(answer.status, answer.headers).end(answer.status < 300 ? '' : 'not now');
    }, answer.delayMs ?? 0);
  });
  endpoint.url = server.url;
  endpoint.close = server.close;
  return endpoint;
}

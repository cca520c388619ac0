// A customer service's subscription endpoint, as an integrator would write it with
// @dtg/local-client: verifies each push on the raw body, records it, and answers as `respond` says.
import type { IncomingHttpHeaders } from 'node:http';
import { verifyChangeWebhook, type ChangeEvent } from '@dtg/local-client';
import { startTestEndpoint } from '@dtg/testkit';

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
  const server = await startTestEndpoint('/dingtalk-changes', (raw, req, res) => {
    let event: ChangeEvent;
    try {
      event = verifyChangeWebhook(raw, req.headers as IncomingHttpHeaders & Record<string, string>, endpoint.secrets);
    } catch {
      endpoint.refused += 1;
      res.writeHead(401).end();
      return;
    }
    endpoint.received.push({ webhookId: String(req.headers['webhook-id']), event });
    setTimeout(() => res.writeHead(204).end(), endpoint.holdMs(event));
  });
  endpoint.url = server.url;
  endpoint.close = server.close;
  return endpoint;
}

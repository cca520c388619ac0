import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackCrypto } from '../src';

export interface ReceivedEvent {
  query: Record<string, string>;
  event: Record<string, unknown>;
}

/**
 * A minimal app-side receiver written independently of the simulator's pusher: verifies the
 * signature, decrypts, records the event, and answers an encrypted `success` (or, when told to,
 * something else).
 */
export class CallbackReceiver {
  readonly received: ReceivedEvent[] = [];
  mode: 'ack' | 'ack-lowercase-timestamp' | 'plain-ok' | 'http-500' = 'ack';
  private server?: Server;

  constructor(private readonly crypto: CallbackCrypto) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
        const { encrypt } = JSON.parse(body) as { encrypt: string };
        const event = JSON.parse(this.crypto.open(query['signature'] ?? '', query['timestamp'] ?? '', query['nonce'] ?? '', encrypt)) as Record<
          string,
          unknown
        >;
        this.received.push({ query, event });
        if (this.mode === 'http-500') return void res.writeHead(500).end();
        if (this.mode === 'plain-ok') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        const timeStamp = String(Date.now());
        const nonce = 'replynonce123456';
        const sealed = this.crypto.seal('success', timeStamp, nonce);
        const tsKey = this.mode === 'ack-lowercase-timestamp' ? 'timestamp' : 'timeStamp';
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ msg_signature: sealed.signature, [tsKey]: timeStamp, nonce, encrypt: sealed.encrypt }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/dingtalk/callback`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  events(type: string): Record<string, unknown>[] {
    return this.received.map((r) => r.event).filter((e) => e['EventType'] === type);
  }
}

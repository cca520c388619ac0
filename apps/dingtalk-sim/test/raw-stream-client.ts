import { waitFor } from '@dtg/testkit';
import WebSocket from 'ws';

export interface Frame {
  specVersion: string;
  type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
  headers: Record<string, string>;
  data: string;
}

/**
 * A Stream client written straight from the protocol description (dingtalk-api.md §7), independent
 * of the simulator's code and of any SDK: it records every frame and acks only when told to.
 */
export class RawStreamClient {
  readonly frames: Frame[] = [];
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => this.frames.push(JSON.parse(String(raw)) as Frame));
    socket.on('close', () => (this.closed = true));
  }

  /** connections/open with the given credentials, then the WebSocket with its ticket. */
  static async connect(
    simUrl: string,
    credentials: { clientId: string; clientSecret: string },
    subscriptions = [{ type: 'EVENT', topic: '*' }],
  ): Promise<RawStreamClient> {
    const opened = await fetch(`${simUrl}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ ...credentials, subscriptions, ua: 'raw-test-client' }),
    });
    const { endpoint, ticket } = (await opened.json()) as { endpoint: string; ticket: string };
    const socket = new WebSocket(`${endpoint}?ticket=${encodeURIComponent(ticket)}`);
    // Listening before 'open': frames that arrive with the upgrade response are emitted at once.
    const client = new RawStreamClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return client;
  }

  /** The first frame (from `from` on) that matches, waiting up to `timeoutMs`. */
  next(match: (f: Frame) => boolean, timeoutMs = 5000, from = 0): Promise<Frame> {
    return waitFor(() => this.frames.slice(from).find(match), `a matching frame from #${from}`, timeoutMs);
  }

  events(): Frame[] {
    return this.frames.filter((f) => f.type === 'EVENT');
  }

  ack(frame: Frame, status: 'SUCCESS' | 'LATER' = 'SUCCESS'): void {
    this.reply(frame, { status });
  }

  reply(frame: Frame, data: unknown, code = 200): void {
    this.socket.send(
      JSON.stringify({ code, headers: { contentType: 'application/json', messageId: frame.headers['messageId'] }, message: 'OK', data: JSON.stringify(data) }),
    );
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.closed, 'the socket to close', timeoutMs);
  }

  close(): void {
    this.socket.terminate();
  }
}

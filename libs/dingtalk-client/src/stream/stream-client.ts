// DingTalk Stream mode (dingtalk-api.md §7) for one app or suite: open a connection (POST
// /v1.0/gateway/connections/open on the configured API host), connect the WebSocket with its
// ticket, answer pings, acknowledge every message, and reconnect — with a NEW connections/open each
// time — after `disconnect`, a dropped socket or a failed open, with exponential backoff and jitter.
// The official dingtalk-stream SDK is not used: its gateway URL is a constant (no simulator, no
// regional host), and in debug mode it prints its whole config, the client secret included.
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import {
  DownstreamFrameSchema,
  ackFrame,
  parseData,
  toStreamEvent,
  type DownstreamFrame,
  type EventAckStatus,
  type StreamCallbackMessage,
  type StreamEndpoint,
  type StreamEvent,
  type StreamSubscription,
} from './stream-frames';
import { DEFAULT_RECONNECT, reconnectDelayMs, type ReconnectOptions } from './reconnect-backoff';

export type StreamState = 'idle' | 'connecting' | 'open' | 'backoff' | 'stopped';

export interface StreamStateChange {
  state: StreamState;
  /** Why the last connection ended or could not be made (never contains the secret). */
  error?: Error;
  /** With `backoff`: consecutive failed attempts and the wait before the next. */
  attempt?: number;
  delayMs?: number;
}

export interface StreamClientOptions {
  clientId: string;
  clientSecret: string;
  /** Default: every event (`[{type: 'EVENT', topic: '*'}]`). */
  subscriptions?: StreamSubscription[];
  /**
   * Called once per delivery of an EVENT; DingTalk redelivers what is not acknowledged, so the same
   * `eventId` can arrive again. Resolve SUCCESS once the event is safely stored; LATER (or a throw)
   * has it delivered again.
   */
  onEvent: (event: StreamEvent) => Promise<EventAckStatus>;
  /** CALLBACK topics: the resolved value is the reply. Without a handler callbacks are answered `{}`. */
  onCallback?: (message: StreamCallbackMessage) => Promise<unknown>;
  onStateChange?: (change: StreamStateChange) => void;
  reconnect?: ReconnectOptions;
  /** WebSocket ping interval, ms; a connection that misses a pong by the next ping is dropped. Default 30 000. */
  keepAliveMs?: number;
  /** Sent as `ua` to connections/open. */
  ua?: string;
}

export interface StreamStats {
  /** Successful WebSocket connections so far. */
  connects: number;
  eventsReceived: number;
  lastConnectedAt?: Date;
  lastError?: string;
}

export class DingTalkStreamClient {
  private currentState: StreamState = 'idle';
  private socket?: WebSocket;
  private stopping = false;
  private loop?: Promise<void>;
  private readonly wake = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  readonly stats: StreamStats = { connects: 0, eventsReceived: 0 };
  private readonly reconnect: Required<ReconnectOptions>;

  constructor(
    /** POST /v1.0/gateway/connections/open (the DingTalkClient passes its own caller). */
    private readonly openConnection: (body: object) => Promise<StreamEndpoint>,
    private readonly options: StreamClientOptions,
  ) {
    this.reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
  }

  get state(): StreamState {
    return this.currentState;
  }

  get clientId(): string {
    return this.options.clientId;
  }

  /** Connects and keeps reconnecting until stop(). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Closes the socket (no reconnect) and waits for handlers still running. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    this.socket?.close(1000, 'client stopping');
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    this.setState({ state: 'stopped' });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.setState({ state: 'connecting' });
      let error: Error | undefined;
      try {
        const { endpoint, ticket } = await this.openConnection({
          clientId: this.options.clientId,
          clientSecret: this.options.clientSecret,
          subscriptions: this.options.subscriptions ?? [{ type: 'EVENT', topic: '*' }],
          ua: this.options.ua ?? 'dtg-stream-client',
        });
        const opened = await this.session(`${endpoint}${endpoint.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`);
        error = opened.error;
        failures = opened.wasOpen ? 0 : failures;
      } catch (err) {
        error = err instanceof Error ? err : new Error(String(err));
      }
      if (this.stopping) break;
      failures += 1;
      if (error) this.stats.lastError = error.message;
      const delayMs = reconnectDelayMs(failures, this.reconnect);
      this.setState({ state: 'backoff', ...(error ? { error } : {}), attempt: failures, delayMs });
      await sleep(delayMs, undefined, { signal: this.wake.signal }).catch(() => undefined);
    }
  }

  /** One WebSocket connection, until it closes. */
  private session(url: string): Promise<{ wasOpen: boolean; error?: Error }> {
    return new Promise((resolve) => {
      const socket = new WebSocket(url);
      this.socket = socket;
      let wasOpen = false;
      let error: Error | undefined;
      let alive = true;
      let keepAlive: NodeJS.Timeout | undefined;
      // Listening before 'open': frames sent with the upgrade response are emitted right away.
      socket.on('message', (raw) => this.onFrame(socket, String(raw)));
      socket.on('pong', () => (alive = true));
      socket.on('unexpected-response', (_req, res) => {
        error = new Error(`Stream endpoint refused the connection: HTTP ${res.statusCode ?? '?'}`);
        socket.terminate();
      });
      socket.on('error', (err) => {
        error ??= err;
      });
      socket.on('open', () => {
        wasOpen = true;
        this.stats.connects += 1;
        this.stats.lastConnectedAt = new Date();
        this.setState({ state: 'open' });
        keepAlive = setInterval(() => {
          if (!alive) return void socket.terminate();
          alive = false;
          socket.ping();
        }, this.options.keepAliveMs ?? 30_000).unref();
      });
      socket.on('close', (code) => {
        clearInterval(keepAlive);
        if (wasOpen && !error && code !== 1000) error = new Error(`Stream connection closed (code ${code})`);
        resolve({ wasOpen, ...(error ? { error } : {}) });
      });
      if (this.stopping) socket.close(1000, 'client stopping');
    });
  }

  private onFrame(socket: WebSocket, raw: string): void {
    const parsed = DownstreamFrameSchema.safeParse(parseData(raw));
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === 'SYSTEM') return this.onSystem(socket, frame);
    const handled = (frame.type === 'EVENT' ? this.handleEvent(frame) : this.handleCallback(frame)).then((ackData) => {
      // The socket may have dropped meanwhile: the message is then redelivered, and deduplicated by the handler.
      if (socket.readyState === socket.OPEN) socket.send(ackFrame(frame.headers.messageId, ackData));
    });
    this.inFlight.add(handled);
    // Bookkeeping only: stop() awaits what is in flight, and the handlers report their own failures.
    void handled.finally(() => this.inFlight.delete(handled));
  }

  private onSystem(socket: WebSocket, frame: DownstreamFrame): void {
    const topic = frame.headers.topic;
    if (topic === 'ping') {
      socket.send(JSON.stringify({ code: 200, headers: frame.headers, message: 'OK', data: frame.data }));
    } else if (topic === 'disconnect') {
      // DingTalk will close this connection: leave now and reconnect through a new connections/open.
      socket.close(1000, 'server asked to disconnect');
    }
  }

  private async handleEvent(frame: DownstreamFrame): Promise<{ status: EventAckStatus; message?: string }> {
    this.stats.eventsReceived += 1;
    try {
      return { status: await this.options.onEvent(toStreamEvent(frame)) };
    } catch (err) {
      return { status: 'LATER', message: err instanceof Error ? err.message.slice(0, 200) : 'handler failed' };
    }
  }

  private async handleCallback(frame: DownstreamFrame): Promise<unknown> {
    const message = { messageId: frame.headers.messageId, topic: frame.headers.topic ?? '', headers: frame.headers, data: parseData(frame.data) };
    return this.options.onCallback ? this.options.onCallback(message) : {};
  }

  private setState(change: StreamStateChange): void {
    this.currentState = change.state;
    this.options.onStateChange?.(change);
  }
}

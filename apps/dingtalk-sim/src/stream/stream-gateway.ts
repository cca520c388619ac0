// DingTalk's Stream gateway (dingtalk-api.md §7): single-use tickets from connections/open, WebSocket
// connections that subscribe to EVENT/CALLBACK topics, pings, and at-least-once delivery — each
// message goes to ONE open connection of its app and is delivered again (to whichever connection is
// open then) until acknowledged with SUCCESS. Runs on real time: sockets and acks do.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { EventAckDataSchema, subscribed, systemFrame, UpstreamSchema, type DownstreamFrame, type Subscription } from './stream-frames';
import { unifiedAppId, type DeliveryOutcome, type DropRule, type StreamEventInput, type StreamMessage, type StreamSettings } from './stream-model';

export const STREAM_CONNECT_PATH = '/connect';

interface Connection {
  id: string;
  clientId: string;
  subscriptions: Subscription[];
  socket: WebSocket;
  openedAtMs: number;
  closing: boolean;
  pingsSent: number;
  pongs: number;
  lastPongAtMs?: number;
  pendingPings: Set<string>;
  dropOnAck: Set<string>;
  pingTimer: NodeJS.Timeout;
}

export class StreamGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Map<string, { clientId: string; subscriptions: Subscription[]; expiresAtMs: number }>();
  private readonly connections = new Map<string, Connection>();
  private messages = new Map<string, StreamMessage>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly nextPick = new Map<string, number>();
  private drops: DropRule[] = [];

  constructor(
    private readonly now: () => number,
    private readonly settings: () => StreamSettings,
  ) {}

  /** connections/open: a ticket that lets one WebSocket connect within the ticket lifetime. */
  issueTicket(clientId: string, subscriptions: Subscription[]): string {
    const ticket = randomUUID();
    this.tickets.set(ticket, { clientId, subscriptions, expiresAtMs: this.now() + this.settings().ticketLifetimeMs });
    return ticket;
  }

  /** The HTTP server's `upgrade` hook: only `/connect?ticket=` with a live, unused ticket becomes a connection. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const ticket = url.searchParams.get('ticket') ?? '';
    const grant = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (url.pathname !== STREAM_CONNECT_PATH) return refuse(socket, 404, 'no WebSocket endpoint here');
    if (!grant || grant.expiresAtMs < this.now()) return refuse(socket, 401, 'ticket unknown, used or expired: open a connection again');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, grant.clientId, grant.subscriptions));
  }

  publishEvent(input: StreamEventInput): StreamMessage {
    const eventId = input.eventId ?? randomUUID().replace(/-/g, '');
    const headers: Record<string, string> = {
      appId: unifiedAppId(input.clientId),
      contentType: 'application/json',
      topic: input.eventType,
      eventType: input.eventType,
      eventId,
      eventBornTime: String(input.bornAtMs ?? this.now()),
      eventUnifiedAppId: unifiedAppId(input.clientId),
      ...(input.corpId !== undefined ? { eventCorpId: input.corpId } : {}),
    };
    return this.publish(input.clientId, 'EVENT', input.eventType, headers, input.data);
  }

  publishCallback(clientId: string, topic: string, data: object): StreamMessage {
    return this.publish(clientId, 'CALLBACK', topic, { appId: unifiedAppId(clientId), contentType: 'application/json', topic }, data);
  }

  /** Server-initiated `disconnect`: the SYSTEM frame, then the socket closes after the grace period. */
  disconnect(filter: { clientId?: string; connectionId?: string }): string[] {
    const targets = [...this.connections.values()].filter((c) => !c.closing && matches(c, filter));
    for (const c of targets) {
      c.closing = true;
      this.sendFrame(c, systemFrame('disconnect', randomUUID(), this.now(), { reason: 'server maintenance' }));
      setTimeout(() => c.socket.close(1000, 'disconnect'), this.settings().disconnectGraceMs).unref();
    }
    return targets.map((c) => c.id);
  }

  /** Drops a socket mid-event, `times` times (see DropRule). */
  armDrop(rule: DropRule): void {
    this.drops.push({ ...rule });
  }

  /** Sends a ping now (besides the periodic ones); the echo is counted on the connection. */
  ping(filter: { clientId?: string; connectionId?: string } = {}): number {
    const targets = [...this.connections.values()].filter((c) => matches(c, filter));
    for (const c of targets) this.sendPing(c);
    return targets.length;
  }

  connectionsOf(clientId?: string) {
    return [...this.connections.values()]
      .filter((c) => clientId === undefined || c.clientId === clientId)
      .map((c) => ({
        connectionId: c.id,
        clientId: c.clientId,
        subscriptions: c.subscriptions,
        openedAtMs: c.openedAtMs,
        closing: c.closing,
        pingsSent: c.pingsSent,
        pongs: c.pongs,
        ...(c.lastPongAtMs !== undefined ? { lastPongAtMs: c.lastPongAtMs } : {}),
      }));
  }

  message(messageId: string): StreamMessage | undefined {
    return this.messages.get(messageId);
  }

  /** Whether a (re)delivery or an ack timeout is pending for the message: without one, nothing more happens to it. */
  scheduled(messageId: string): boolean {
    return this.timers.has(messageId);
  }

  messagesOf(clientId?: string): StreamMessage[] {
    return [...this.messages.values()].filter((m) => clientId === undefined || m.clientId === clientId);
  }

  /** reset(): messages and drop rules go; connections (wiring, like callback URLs) stay. */
  clearMessages(): void {
    for (const id of this.messages.keys()) this.clearTimer(id);
    this.messages = new Map();
    this.drops = [];
  }

  closeAll(): void {
    for (const c of this.connections.values()) c.socket.terminate();
    for (const id of [...this.timers.keys()]) this.clearTimer(id);
    this.wss.close();
  }

  private publish(clientId: string, type: StreamMessage['type'], topic: string, headers: Record<string, string>, data: object): StreamMessage {
    const message: StreamMessage = {
      messageId: randomUUID(),
      clientId,
      type,
      topic,
      headers,
      data: JSON.stringify(data),
      state: 'pending',
      deliveries: [],
      createdAtMs: this.now(),
    };
    this.messages.set(message.messageId, message);
    this.deliver(message);
    return message;
  }

  private attach(socket: WebSocket, clientId: string, subscriptions: Subscription[]): void {
    const connection: Connection = {
      id: randomUUID().replace(/-/g, ''),
      clientId,
      subscriptions,
      socket,
      openedAtMs: this.now(),
      closing: false,
      pingsSent: 0,
      pongs: 0,
      pendingPings: new Set(),
      dropOnAck: new Set(),
      pingTimer: setInterval(() => this.sendPing(connection), this.settings().pingIntervalMs).unref(),
    };
    this.connections.set(connection.id, connection);
    socket.on('message', (raw) => this.onUpstream(connection, raw));
    socket.on('close', () => this.onClose(connection));
    socket.on('error', () => socket.terminate());
    this.sendFrame(connection, systemFrame('CONNECTED', randomUUID(), this.now(), { connectionId: connection.id }));
    this.sendFrame(connection, systemFrame('REGISTERED', randomUUID(), this.now(), { subscriptions }));
    // Whatever waited for this app (no connection was open, or its connection dropped) goes now.
    for (const m of this.messages.values()) if (m.clientId === clientId && m.state === 'pending' && !this.timers.has(m.messageId)) this.deliver(m);
  }

  private deliver(message: StreamMessage): void {
    this.clearTimer(message.messageId);
    if (message.state !== 'pending') return;
    const connection = this.pick(message);
    if (!connection) return;
    const atMs = this.now();
    message.state = 'inflight';
    message.deliveries.push({ connectionId: connection.id, atMs });
    const frame: DownstreamFrame = {
      specVersion: '1.0',
      type: message.type,
      headers: { ...message.headers, messageId: message.messageId, connectionId: connection.id, time: String(atMs) },
      data: message.data,
    };
    const drop = message.type === 'EVENT' ? this.takeDrop(message.clientId) : undefined;
    if (drop === 'on-ack') connection.dropOnAck.add(message.messageId);
    connection.socket.send(JSON.stringify(frame), () => {
      if (drop === 'after-send') connection.socket.terminate();
    });
    this.setTimer(message.messageId, this.settings().ackTimeoutMs, () => this.retry(message, 'timeout'));
  }

  /** Round robin over the app's open connections that subscribe to the message. */
  private pick(message: StreamMessage): Connection | undefined {
    const open = [...this.connections.values()].filter(
      (c) => c.clientId === message.clientId && !c.closing && c.socket.readyState === c.socket.OPEN && subscribed(c.subscriptions, message.type, message.topic),
    );
    if (open.length === 0) return undefined;
    const index = (this.nextPick.get(message.clientId) ?? 0) % open.length;
    this.nextPick.set(message.clientId, index + 1);
    return open[index];
  }

  private retry(message: StreamMessage, outcome: DeliveryOutcome): void {
    const last = message.deliveries[message.deliveries.length - 1];
    if (last) last.outcome = outcome;
    this.clearTimer(message.messageId);
    if (message.deliveries.length >= this.settings().maxDeliveries) {
      message.state = 'failed';
      return;
    }
    message.state = 'pending';
    this.setTimer(message.messageId, this.settings().redeliveryDelayMs, () => this.deliver(message));
  }

  private onUpstream(connection: Connection, raw: RawData): void {
    const parsed = UpstreamSchema.safeParse(safeJson(String(raw)));
    if (!parsed.success) return;
    const { messageId } = parsed.data.headers;
    if (connection.pendingPings.delete(messageId)) {
      connection.pongs += 1;
      connection.lastPongAtMs = this.now();
      return;
    }
    const message = this.messages.get(messageId);
    const last = message?.deliveries[message.deliveries.length - 1];
    // Late acks (of an earlier delivery, or on another connection) change nothing.
    if (!message || message.state !== 'inflight' || last?.connectionId !== connection.id) return;
    if (connection.dropOnAck.delete(messageId)) {
      connection.socket.terminate();
      return;
    }
    if (parsed.data.code !== 200) return this.retry(message, 'bad-ack');
    const data = safeJson(parsed.data.data ?? '');
    if (message.type === 'CALLBACK') {
      message.reply = data;
      return this.settle(message, 'SUCCESS');
    }
    const ack = EventAckDataSchema.safeParse(data);
    if (!ack.success) return this.retry(message, 'bad-ack');
    if (ack.data.status === 'LATER') return this.retry(message, 'LATER');
    this.settle(message, 'SUCCESS');
  }

  private settle(message: StreamMessage, outcome: DeliveryOutcome): void {
    const last = message.deliveries[message.deliveries.length - 1];
    if (last) last.outcome = outcome;
    message.state = 'acked';
    this.clearTimer(message.messageId);
  }

  private onClose(connection: Connection): void {
    clearInterval(connection.pingTimer);
    this.connections.delete(connection.id);
    for (const m of this.messages.values()) {
      if (m.state === 'inflight' && m.deliveries[m.deliveries.length - 1]?.connectionId === connection.id) this.retry(m, 'dropped');
    }
  }

  private sendPing(connection: Connection): void {
    const messageId = randomUUID();
    connection.pendingPings.add(messageId);
    connection.pingsSent += 1;
    this.sendFrame(connection, systemFrame('ping', messageId, this.now(), { opaque: randomUUID() }));
  }

  private sendFrame(connection: Connection, frame: DownstreamFrame): void {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(JSON.stringify(frame));
  }

  private takeDrop(clientId: string): DropRule['when'] | undefined {
    const rule = this.drops.find((d) => d.times > 0 && (d.clientId === undefined || d.clientId === clientId));
    if (!rule) return undefined;
    rule.times -= 1;
    this.drops = this.drops.filter((d) => d.times > 0);
    return rule.when;
  }

  private setTimer(id: string, ms: number, fn: () => void): void {
    this.clearTimer(id);
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        fn();
      }, ms).unref(),
    );
  }

  private clearTimer(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }
}

function matches(c: Connection, filter: { clientId?: string; connectionId?: string }): boolean {
  return (filter.clientId === undefined || c.clientId === filter.clientId) && (filter.connectionId === undefined || c.id === filter.connectionId);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ code: status === 401 ? 'invalidTicket' : 'notFound', message: reason });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Not Found'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

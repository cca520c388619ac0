// What the Stream gateway keeps: its settings, the messages it delivers (each with every delivery
// and how it ended), and the knobs of the drop-mid-event fault.
import { createHash } from 'node:crypto';

export interface StreamSettings {
  ticketLifetimeMs: number;
  ackTimeoutMs: number;
  redeliveryDelayMs: number;
  maxDeliveries: number;
  pingIntervalMs: number;
  disconnectGraceMs: number;
}

export type DeliveryOutcome = 'SUCCESS' | 'LATER' | 'timeout' | 'dropped' | 'bad-ack';

export interface StreamDelivery {
  connectionId: string;
  atMs: number;
  outcome?: DeliveryOutcome;
}

export interface StreamMessage {
  messageId: string;
  clientId: string;
  type: 'EVENT' | 'CALLBACK';
  topic: string;
  headers: Record<string, string>;
  data: string;
  state: 'pending' | 'inflight' | 'acked' | 'failed';
  deliveries: StreamDelivery[];
  /** A CALLBACK's answer (its `data`, parsed). */
  reply?: unknown;
  createdAtMs: number;
}

export interface StreamEventInput {
  clientId: string;
  eventType: string;
  data: object;
  corpId?: string;
  /** Default: a new id. A caller re-publishing the same event passes its id again. */
  eventId?: string;
  bornAtMs?: number;
}

/** `on-ack`: the next event's ack is thrown away and the socket dropped; `after-send`: dropped as soon as the frame is written. */
export interface DropRule {
  clientId?: string;
  when: 'on-ack' | 'after-send';
  times: number;
}

/** A stable, UUID-shaped id per app, as DingTalk's `eventUnifiedAppId`. */
export function unifiedAppId(clientId: string): string {
  const hex = createHash('md5').update(clientId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

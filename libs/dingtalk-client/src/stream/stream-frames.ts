import { z } from 'zod';

/** What a Stream connection subscribes to: every event (`EVENT` / `*`), one event type, or a callback topic. */
export const StreamSubscriptionSchema = z.object({ type: z.enum(['EVENT', 'CALLBACK']), topic: z.string().min(1) });
export type StreamSubscription = z.infer<typeof StreamSubscriptionSchema>;

/** `POST /v1.0/gateway/connections/open` answer. */
export const StreamEndpointSchema = z.object({ endpoint: z.string().min(1), ticket: z.string().min(1) });
export type StreamEndpoint = z.infer<typeof StreamEndpointSchema>;

/** A downstream frame (dingtalk-api.md §7): `data` is a JSON string. */
export const DownstreamFrameSchema = z.looseObject({
  type: z.enum(['SYSTEM', 'EVENT', 'CALLBACK']),
  headers: z.looseObject({ messageId: z.string().min(1), topic: z.string().optional() }).catchall(z.unknown()),
  data: z.string().default(''),
});
export type DownstreamFrame = z.infer<typeof DownstreamFrameSchema>;

/** An EVENT as the handler sees it: DingTalk's headers, `data` parsed. */
export interface StreamEvent {
  messageId: string;
  /** Stable across redeliveries: the key to deduplicate by. */
  eventId: string;
  eventType: string;
  corpId?: string;
  bornAtMs?: number;
  headers: Record<string, unknown>;
  /** The parsed JSON of `data` (the raw string when it is not JSON). */
  data: unknown;
}

export interface StreamCallbackMessage {
  messageId: string;
  topic: string;
  headers: Record<string, unknown>;
  data: unknown;
}

/** SUCCESS settles an event; LATER has DingTalk deliver it again. */
export type EventAckStatus = 'SUCCESS' | 'LATER';

export function ackFrame(messageId: string, data: unknown): string {
  return JSON.stringify({ code: 200, headers: { contentType: 'application/json', messageId }, message: 'OK', data: JSON.stringify(data) });
}

export function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

export function toStreamEvent(frame: DownstreamFrame): StreamEvent {
  const h = frame.headers;
  const str = (key: string): string | undefined => (typeof h[key] === 'string' && h[key] !== '' ? (h[key] as string) : undefined);
  const born = Number(str('eventBornTime'));
  return {
    messageId: h.messageId,
    eventId: str('eventId') ?? h.messageId,
    eventType: str('eventType') ?? h.topic ?? '',
    ...(str('eventCorpId') ? { corpId: str('eventCorpId') } : {}),
    ...(Number.isFinite(born) && born > 0 ? { bornAtMs: born } : {}),
    headers: h,
    data: parseData(frame.data),
  };
}

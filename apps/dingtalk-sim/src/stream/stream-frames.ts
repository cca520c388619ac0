// The Stream protocol's frames (dingtalk-api.md §7): downstream frames carry `headers` and `data` as a
// JSON *string*; the client answers each with `{code, headers: {messageId}, message, data}`.
import { z } from 'zod';

export type FrameType = 'SYSTEM' | 'EVENT' | 'CALLBACK';

export interface DownstreamFrame {
  specVersion: '1.0';
  type: FrameType;
  headers: Record<string, string>;
  data: string;
}

export const SubscriptionSchema = z.object({ type: z.enum(['EVENT', 'CALLBACK']), topic: z.string().min(1).max(256) });
export type Subscription = z.infer<typeof SubscriptionSchema>;

/** What a client sends back: an ack of an EVENT/CALLBACK or the echo of a ping. */
export const UpstreamSchema = z.looseObject({
  code: z.number().int(),
  headers: z.looseObject({ messageId: z.string().min(1) }),
  message: z.string().optional(),
  data: z.string().optional(),
});
export type Upstream = z.infer<typeof UpstreamSchema>;

/** Event acks say SUCCESS, or LATER to have the message delivered again. */
export const EventAckDataSchema = z.looseObject({ status: z.enum(['SUCCESS', 'LATER']), message: z.string().optional() });

export function systemFrame(
  topic: 'CONNECTED' | 'REGISTERED' | 'ping' | 'disconnect' | 'KEEPALIVE',
  messageId: string,
  nowMs: number,
  data: object,
): DownstreamFrame {
  return {
    specVersion: '1.0',
    type: 'SYSTEM',
    headers: { contentType: 'application/json', messageId, time: String(nowMs), topic },
    data: JSON.stringify(data),
  };
}

/** An EVENT subscription matches every event (`*`) or one eventType; a CALLBACK one matches its topic exactly. */
export function subscribed(subscriptions: readonly Subscription[], type: Exclude<FrameType, 'SYSTEM'>, topic: string): boolean {
  return subscriptions.some((s) => s.type === type && (s.topic === topic || (type === 'EVENT' && s.topic === '*')));
}

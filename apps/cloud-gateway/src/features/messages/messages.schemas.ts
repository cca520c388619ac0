// The cloud's own views of /v1/messages. The request body (DingTalk's typed msg union plus who
// receives it) is in @dtg/contracts: the local store accepts the same body and relays it here.
import { z } from 'zod';
import { MessageChannelSchema, MessageStatusSchema, RecipientResultSchema, RecipientStatusSchema, RecipientsSpecSchema } from '@dtg/contracts';

export const MessageIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const ChunkStatusSchema = z.enum(['pending', 'sending', 'sent', 'unknown', 'done', 'failed', 'recalled']);
export type ChunkStatus = z.infer<typeof ChunkStatusSchema>;

export const MessageChunkViewSchema = z.object({
  index: z.number().int(),
  status: ChunkStatusSchema,
  /** DingTalk's task id (null until a send was acknowledged, or when its outcome stayed unknown). */
  taskId: z.number().int().nullable(),
  /** Robot chunks: DingTalk's processQueryKey (null for work notifications, or while unacknowledged). */
  processQueryKey: z.string().nullable(),
  recipients: z.number().int(),
  sentAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
});

/** The cloud's view of one message. */
export const MessageViewSchema = z.object({
  id: z.string(),
  status: MessageStatusSchema,
  /** The DingTalk channel that carries it. */
  channel: MessageChannelSchema,
  msgtype: z.string(),
  msg: z.record(z.string(), z.unknown()),
  recipientsSpec: RecipientsSpecSchema,
  createdAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  /** Recipients per status; every status is present. */
  counts: z.record(RecipientStatusSchema, z.number().int().nonnegative()),
  chunks: z.array(MessageChunkViewSchema),
  /** The first recipients by userid (up to 500); GET /v1/messages/:id/recipients pages through the rest. */
  recipients: z.array(RecipientResultSchema),
  /** Where GET /v1/messages/:id/recipients continues after `recipients`; null when they are all. */
  recipientsNextCursor: z.string().nullable(),
});
export type MessageView = z.infer<typeof MessageViewSchema>;

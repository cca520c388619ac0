// The public contract of /v1/messages: the body is DingTalk's typed msg union (field limits and the
// 2,048-byte cap come from @dtg/dingtalk-client) plus who receives it.
import { z } from 'zod';
import { MessageStatusSchema, RecipientResultSchema, RecipientStatusSchema, RecipientsSpecSchema } from '@dtg/contracts';
import { MAX_STATUS_BAR_RECIPIENTS, WorkNotificationMessageSchema } from '@dtg/dingtalk-client';

export const SendMessageBodySchema = z
  .strictObject({ recipients: RecipientsSpecSchema, msg: WorkNotificationMessageSchema })
  .superRefine((body, ctx) => {
    // DingTalk shows an OA status bar only on a send to a few userids; chunking cannot make that true later.
    const { recipients, msg } = body;
    const fewUsers = !recipients.toAll && !recipients.deptIds?.length && (recipients.userIds?.length ?? 0) <= MAX_STATUS_BAR_RECIPIENTS;
    if (msg.msgtype === 'oa' && msg.oa.status_bar !== undefined && !fewUsers) {
      ctx.addIssue({ code: 'custom', path: ['msg', 'oa', 'status_bar'], message: `status_bar needs ≤ ${MAX_STATUS_BAR_RECIPIENTS} userIds and no deptIds or toAll` });
    }
  });
export type SendMessageBody = z.infer<typeof SendMessageBodySchema>;

export const SendMessageHeadersSchema = z.object({
  /** Same key + same body → the same message again; same key + another body → 409. */
  'idempotency-key': z.string().min(1).max(255).optional(),
});

export const MessageIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const AcceptedMessageSchema = z.object({ id: z.string(), status: MessageStatusSchema });
export type AcceptedMessage = z.infer<typeof AcceptedMessageSchema>;

export const ChunkStatusSchema = z.enum(['pending', 'sending', 'sent', 'unknown', 'done', 'failed', 'recalled']);
export type ChunkStatus = z.infer<typeof ChunkStatusSchema>;

export const MessageChunkViewSchema = z.object({
  index: z.number().int(),
  status: ChunkStatusSchema,
  /** DingTalk's task id (null until a send was acknowledged, or when its outcome stayed unknown). */
  taskId: z.number().int().nullable(),
  recipients: z.number().int(),
  sentAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
});

/** The cloud's view of one message. */
export const MessageViewSchema = z.object({
  id: z.string(),
  status: MessageStatusSchema,
  msgtype: z.string(),
  msg: z.record(z.string(), z.unknown()),
  recipientsSpec: RecipientsSpecSchema,
  createdAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  /** Recipients per status; every status is present. */
  counts: z.record(RecipientStatusSchema, z.number().int().nonnegative()),
  chunks: z.array(MessageChunkViewSchema),
  recipients: z.array(RecipientResultSchema),
});
export type MessageView = z.infer<typeof MessageViewSchema>;

// Sending a work notification: the body and Idempotency-Key of the cloud's POST /v1/messages, which
// the local store's POST /api/messages accepts unchanged and relays.
import { z } from 'zod';
import { MessageChannelSchema, robotChannelIssue } from './message-channel';
import { MessageStatusSchema, RecipientsSpecSchema } from './messages';
import { MAX_STATUS_BAR_RECIPIENTS, WorkNotificationMessageSchema } from './work-notification';

export const SendMessageBodySchema = z
  .strictObject({
    recipients: RecipientsSpecSchema,
    msg: WorkNotificationMessageSchema,
    /** `work_notification` when absent; `robot`: the app robot's 1:1 chat (templates only). */
    channel: MessageChannelSchema.optional(),
  })
  .superRefine((body, ctx) => {
    const robotIssue = body.channel === 'robot' ? robotChannelIssue(body.msg) : undefined;
    if (robotIssue) ctx.addIssue({ code: 'custom', ...robotIssue });
    // DingTalk shows an OA status bar only on a send to a few userids; chunking cannot make that true later.
    const { recipients, msg } = body;
    const fewUsers = !recipients.toAll && !recipients.deptIds?.length && (recipients.userIds?.length ?? 0) <= MAX_STATUS_BAR_RECIPIENTS;
    if (msg.msgtype === 'oa' && msg.oa.status_bar !== undefined && !fewUsers) {
      ctx.addIssue({
        code: 'custom',
        path: ['msg', 'oa', 'status_bar'],
        message: `status_bar needs ≤ ${MAX_STATUS_BAR_RECIPIENTS} userIds and no deptIds or toAll`,
      });
    }
  });
export type SendMessageBody = z.infer<typeof SendMessageBodySchema>;

export const SendMessageHeadersSchema = z.object({
  /** Same key + same body → the same message again; same key + another body → 409. */
  'idempotency-key': z.string().min(1).max(255).optional(),
});

export const AcceptedMessageSchema = z.object({ id: z.string(), status: MessageStatusSchema });
export type AcceptedMessage = z.infer<typeof AcceptedMessageSchema>;

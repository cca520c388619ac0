// Sending a work notification: the body and Idempotency-Key of the cloud's POST /v1/messages, which
// the local store's POST /api/messages accepts unchanged and relays.
import { z } from 'zod';
import { MessageChannelSchema, robotChannelIssue } from './message-channel';
import { MessageStatusSchema, RecipientsSpecSchema } from './messages';
import { TEMPLATE_MSGTYPE, TemplateMessageSchema, type TemplateMessage } from './template-message';
import { MAX_STATUS_BAR_RECIPIENTS, WorkNotificationMessageSchema } from './work-notification';

export const SendMessageBodySchema = z
  .strictObject({
    recipients: RecipientsSpecSchema,
    /** The message itself (DingTalk's msg union). Exactly one of `msg` and `template`. */
    msg: WorkNotificationMessageSchema.optional(),
    /** An ISV app's template and its data (sendbytemplate) instead of `msg`. */
    template: TemplateMessageSchema.optional(),
    /** `work_notification` when absent; `robot`: the app robot's 1:1 chat (templates only). */
    channel: MessageChannelSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.msg === undefined && body.template === undefined) ctx.addIssue({ code: 'custom', path: ['msg'], message: 'give msg or template' });
    if (body.msg !== undefined && body.template !== undefined)
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'give either msg or template, not both' });
    // DingTalk's work-notification templates (sendbytemplate) are not the robot's message templates.
    if (body.channel === 'robot' && body.template !== undefined)
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'a template send goes as a work notification; the robot channel takes msg' });
    const robotIssue = body.channel === 'robot' && body.msg !== undefined ? robotChannelIssue(body.msg) : undefined;
    if (robotIssue) ctx.addIssue({ code: 'custom', ...robotIssue });
  })
  .superRefine((body, ctx) => {
    // DingTalk shows an OA status bar only on a send to a few userids; chunking cannot make that true later.
    const { recipients, msg } = body;
    if (msg === undefined) return;
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

/**
 * What a send stores as its `msgtype` and `msg` (columns, `message.accepted`): the msg itself, or
 * for a template send `{msgtype: 'template', template: {id, data}}` (id as given; the cloud fills
 * in the tenant's default before storing).
 */
export function storedMessageOf(body: SendMessageBody): { msgtype: string; msg: Record<string, unknown> } {
  if (body.template !== undefined) return { msgtype: TEMPLATE_MSGTYPE, msg: { msgtype: TEMPLATE_MSGTYPE, template: body.template } };
  if (body.msg === undefined) throw new TypeError('a send body has msg or template (SendMessageBodySchema)');
  return { msgtype: body.msg.msgtype, msg: body.msg };
}

/** The send body again from the stored form (the local store relays what it stored). */
export function sendBodyOf(recipients: SendMessageBody['recipients'], msg: Record<string, unknown>): SendMessageBody {
  if (msg['msgtype'] === TEMPLATE_MSGTYPE) return { recipients, template: msg['template'] as TemplateMessage };
  return { recipients, msg: msg as SendMessageBody['msg'] };
}

export const SendMessageHeadersSchema = z.object({
  /** Same key + same body → the same message again; same key + another body → 409. */
  'idempotency-key': z.string().min(1).max(255).optional(),
});

export const AcceptedMessageSchema = z.object({ id: z.string(), status: MessageStatusSchema });
export type AcceptedMessage = z.infer<typeof AcceptedMessageSchema>;

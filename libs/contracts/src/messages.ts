import { z } from 'zod';

/** Final (or current) state of one recipient of a work notification. */
export const RecipientStatusSchema = z.enum([
  'pending',
  'sent',
  'unknown',
  'read',
  'unread',
  'failed',
  'forbidden',
  'invalid',
  'rejected_by_quota',
  'recalled',
]);
export type RecipientStatus = z.infer<typeof RecipientStatusSchema>;

export const MessageStatusSchema = z.enum(['queued', 'sending', 'sent', 'completed', 'failed', 'recalled']);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

export const RecipientResultSchema = z.object({
  userid: z.string(),
  status: RecipientStatusSchema,
  /** DingTalk's reason code for `forbidden` (143105 daily cap, 143106 duplicate content) or our own for quota rejections. */
  reason: z.string().optional(),
});
export type RecipientResult = z.infer<typeof RecipientResultSchema>;

export const RecipientsSpecSchema = z
  .object({
    userIds: z.array(z.string().min(1).max(64)).max(5000).optional(),
    deptIds: z.array(z.number().int().positive()).max(500).optional(),
    toAll: z.boolean().optional(),
  })
  .refine((r) => r.toAll === true || (r.userIds?.length ?? 0) > 0 || (r.deptIds?.length ?? 0) > 0, {
    message: 'give userIds, deptIds or toAll: true',
  });
export type RecipientsSpec = z.infer<typeof RecipientsSpecSchema>;

import { z } from 'zod';

// DingTalk work-notification `msg` shapes: what both the cloud's POST /v1/messages and the local
// store's POST /api/messages accept, and what the DingTalk client sends.

/**
 * Work-notification `msg` shapes (§4.2 of docs/dingtalk-api). Strict objects: an unknown key is almost always a typo
 * (`single_titel`) that DingTalk would silently ignore, so it is rejected here instead.
 * Limits marked "advice" in the reference are not enforced; the 2048-byte cap on the whole msg is.
 */

/** DingTalk rejects a `msg` whose JSON exceeds this many UTF-8 bytes. */
export const MSG_MAX_BYTES = 2048;

/** The OA status bar is only shown when a message goes to at most this many userids. */
export const MAX_STATUS_BAR_RECIPIENTS = 5;

const required = (max?: number) => (max === undefined ? z.string().min(1) : z.string().min(1).max(max));
const mediaId = required();

export const TextMessageSchema = z.strictObject({
  msgtype: z.literal('text'),
  text: z.strictObject({ content: required() }),
});

export const ImageMessageSchema = z.strictObject({
  msgtype: z.literal('image'),
  image: z.strictObject({ media_id: mediaId }),
});

export const VoiceMessageSchema = z.strictObject({
  msgtype: z.literal('voice'),
  voice: z.strictObject({
    media_id: mediaId,
    /** Seconds as a decimal string, 1..59. */
    duration: z
      .string()
      .regex(/^\d+$/, 'duration must be an integer string')
      .refine((d) => Number(d) >= 1 && Number(d) < 60, 'duration must be 1..59 s'),
  }),
});

export const FileMessageSchema = z.strictObject({
  msgtype: z.literal('file'),
  file: z.strictObject({ media_id: mediaId }),
});

/** Note the camelCase keys: DingTalk's link message is the one camelCase exception. */
export const LinkMessageSchema = z.strictObject({
  msgtype: z.literal('link'),
  link: z.strictObject({
    messageUrl: required(),
    picUrl: required(),
    title: required(100),
    text: required(500),
  }),
});

export const OaMessageSchema = z.strictObject({
  msgtype: z.literal('oa'),
  oa: z.strictObject({
    message_url: required(),
    pc_message_url: z.string().min(1).optional(),
    head: z.strictObject({
      /** ARGB as 8 hex digits, no `0x`. */
      bgcolor: z.string().regex(/^[0-9A-Fa-f]{8}$/, 'bgcolor must be 8 hex digits (ARGB)'),
      /** Shown as the app name; at most 10 characters. */
      text: required(10),
    }),
    /** Only allowed when sending to ≤ MAX_STATUS_BAR_RECIPIENTS userids (enforced by the request schemas). */
    status_bar: z
      .strictObject({
        status_value: z.string().optional(),
        status_bg: z
          .string()
          .regex(/^0xFF[0-9A-Fa-f]{6}$/, 'status_bg must be 0xFF followed by 6 hex digits')
          .optional(),
      })
      .optional(),
    body: z.strictObject({
      title: z.string().max(50).optional(),
      form: z.array(z.strictObject({ key: z.string(), value: z.string() })).optional(),
      rich: z.strictObject({ num: z.string(), unit: z.string().optional() }).optional(),
      content: z.string().optional(),
      image: z.string().optional(),
      file_count: z.string().optional(),
      author: z.string().optional(),
    }),
  }),
});

export const MarkdownMessageSchema = z.strictObject({
  msgtype: z.literal('markdown'),
  markdown: z.strictObject({ title: required(), text: required(5000) }),
});

export const ActionCardButtonSchema = z.strictObject({ title: required(20), action_url: required(700) });

export const ActionCardMessageSchema = z.strictObject({
  msgtype: z.literal('action_card'),
  action_card: z
    .strictObject({
      title: z.string().max(64).optional(),
      markdown: required(1000),
      single_title: required(20).optional(),
      single_url: required(500).optional(),
      /** "0" vertical, "1" horizontal. */
      btn_orientation: z.enum(['0', '1']).optional(),
      btn_json_list: z.array(ActionCardButtonSchema).min(1).optional(),
    })
    .superRefine((card, ctx) => {
      const single = card.single_title !== undefined || card.single_url !== undefined;
      const buttons = card.btn_json_list !== undefined;
      if (single === buttons) {
        ctx.addIssue({ code: 'custom', message: 'give either single_title + single_url or btn_json_list' });
      } else if (single && (card.single_title === undefined || card.single_url === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'single_title and single_url go together' });
      } else if (buttons && card.btn_orientation === undefined) {
        ctx.addIssue({ code: 'custom', path: ['btn_orientation'], message: 'btn_orientation is required with btn_json_list' });
      } else if (buttons && JSON.stringify(card.btn_json_list).length > 1000) {
        ctx.addIssue({ code: 'custom', path: ['btn_json_list'], message: 'btn_json_list must be at most 1000 characters' });
      }
    }),
});

export const WorkNotificationMessageSchema = z
  .discriminatedUnion('msgtype', [
    TextMessageSchema,
    ImageMessageSchema,
    VoiceMessageSchema,
    FileMessageSchema,
    LinkMessageSchema,
    OaMessageSchema,
    MarkdownMessageSchema,
    ActionCardMessageSchema,
  ])
  .superRefine((msg, ctx) => {
    const bytes = Buffer.byteLength(JSON.stringify(msg), 'utf8');
    if (bytes > MSG_MAX_BYTES) ctx.addIssue({ code: 'custom', message: `msg is ${bytes} bytes of JSON; the limit is ${MSG_MAX_BYTES}` });
  });

export type TextMessage = z.infer<typeof TextMessageSchema>;
export type ImageMessage = z.infer<typeof ImageMessageSchema>;
export type VoiceMessage = z.infer<typeof VoiceMessageSchema>;
export type FileMessage = z.infer<typeof FileMessageSchema>;
export type LinkMessage = z.infer<typeof LinkMessageSchema>;
export type OaMessage = z.infer<typeof OaMessageSchema>;
export type MarkdownMessage = z.infer<typeof MarkdownMessageSchema>;
export type ActionCardMessage = z.infer<typeof ActionCardMessageSchema>;
export type WorkNotificationMessage = z.infer<typeof WorkNotificationMessageSchema>;

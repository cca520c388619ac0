// The `template` form of POST /v1/messages: an ISV app's work-notification template (DingTalk's
// sendbytemplate) instead of a `msg`. Apps created after 2020-11-27 can send no other way.
import { z } from 'zod';

export const TemplateMessageSchema = z.strictObject({
  /** The template's id in DingTalk's developer console; left out, the tenant's default template. */
  id: z.string().trim().min(1).max(64).optional(),
  /** Fills the template's placeholders: key → text. */
  data: z.record(z.string().min(1).max(64), z.string().max(5000)).refine((data) => Object.keys(data).length <= 50, 'at most 50 keys'),
});
export type TemplateMessage = z.infer<typeof TemplateMessageSchema>;

/** The msgtype a template send is stored and reported under (events, message views). */
export const TEMPLATE_MSGTYPE = 'template';

/** How a template send is stored beside ordinary messages: a `msg`-shaped object with msgtype `template`. */
export type StoredTemplateMessage = {
  msgtype: typeof TEMPLATE_MSGTYPE;
  template: { id: string; data: Record<string, string> };
};

/** The stored form's template, or undefined for an ordinary msg. */
export function storedTemplateOf(msg: { msgtype: string } & Record<string, unknown>): TemplateMessage | undefined {
  if (msg.msgtype !== TEMPLATE_MSGTYPE) return undefined;
  return (msg as unknown as StoredTemplateMessage).template;
}

import { z } from 'zod';
import { ActionCardMessageSchema, LinkMessageSchema, MarkdownMessageSchema, MSG_MAX_BYTES, TextMessageSchema } from './work-notification';

/**
 * DingTalk's limits for the message types a person composes by hand, as the console checks them
 * while they type. Read from the work-notification schemas, so the console, the store and the
 * cloud enforce one set of numbers (the console gets them in GET /api/config).
 */
export const MessageLimitsSchema = z.object({
  /** The most UTF-8 bytes the `msg` JSON may have. */
  maxBytes: z.number().int().positive(),
  /** msgtype → field → the most characters it may have (fields without a limit are left out). */
  maxLength: z.record(z.string(), z.record(z.string(), z.number().int().positive())),
});
export type MessageLimits = z.infer<typeof MessageLimitsSchema>;

const COMPOSABLE = [TextMessageSchema, MarkdownMessageSchema, LinkMessageSchema, ActionCardMessageSchema];

function maxLengths(body: z.ZodObject): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const [key, field] of Object.entries(body.shape)) {
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
    if (inner instanceof z.ZodString && inner.maxLength !== null) limits[key] = inner.maxLength;
  }
  return limits;
}

export function messageLimits(): MessageLimits {
  const maxLength: MessageLimits['maxLength'] = {};
  for (const schema of COMPOSABLE) {
    const type = schema.shape.msgtype.value;
    const body = (schema.shape as Record<string, unknown>)[type];
    if (body instanceof z.ZodObject) maxLength[type] = maxLengths(body);
  }
  return { maxBytes: MSG_MAX_BYTES, maxLength };
}

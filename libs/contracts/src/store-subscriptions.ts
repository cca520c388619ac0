// Change subscriptions: endpoints inside the customer's network that receive the store's change
// events as Standard Webhooks, signed with a secret of their own.
import { z } from 'zod';
import { ChangeTypePatternSchema } from './store-changes';

/** http(s) only, no credentials in the URL. Private addresses are the normal case here. */
export const EndpointUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((url) => URL.canParse(url), 'must be an absolute URL')
  .refine((url) => !URL.canParse(url) || ['http:', 'https:'].includes(new URL(url).protocol), 'must be an http or https URL')
  .refine((url) => !URL.canParse(url) || (new URL(url).username === '' && new URL(url).password === ''), 'must not carry credentials');

const EventTypesSchema = z
  .array(ChangeTypePatternSchema)
  .min(1)
  .max(20)
  .refine((types) => new Set(types).size === types.length, 'must not repeat a type');

export const CreateSubscriptionRequestSchema = z.strictObject({
  url: EndpointUrlSchema,
  /** `user.*`, `department.*`, `message.*`, `*`, or exact types such as `user.updated`. */
  eventTypes: EventTypesSchema,
  description: z.string().trim().max(200).default(''),
});
export type CreateSubscriptionRequest = z.infer<typeof CreateSubscriptionRequestSchema>;

export const SubscriptionStatusSchema = z.enum(['active', 'paused']);

export const SubscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(ChangeTypePatternSchema),
  /** Paused: events still queue up for it and go out on resume. */
  status: SubscriptionStatusSchema,
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  /** Until then pushes are signed with the previous secret too (after a rotation). */
  previousSecretExpiresAt: z.iso.datetime().nullable(),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;

/** The only answers that show a secret: creation and rotation. */
export const SubscriptionWithSecretSchema = z.object({ subscription: SubscriptionSchema, secret: z.string() });
export type SubscriptionWithSecret = z.infer<typeof SubscriptionWithSecretSchema>;

export const SubscriptionListSchema = z.object({ items: z.array(SubscriptionSchema) });
export type SubscriptionList = z.infer<typeof SubscriptionListSchema>;

export const SubscriptionParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'is not a subscription id'),
});

export const ReplayRequestSchema = z.strictObject({
  /** Every event from this seq on is pushed again (dead ones included), and any it never had is added. */
  fromSeq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
export const ReplayResultSchema = z.object({ requeued: z.number().int().nonnegative(), fromSeq: z.number().int().positive() });
export type ReplayResult = z.infer<typeof ReplayResultSchema>;

export const DeliveryStatusSchema = z.enum(['pending', 'delivering', 'delivered', 'dead']);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const DeliveriesQuerySchema = z.object({
  status: DeliveryStatusSchema.optional(),
  cursor: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type DeliveriesQuery = z.infer<typeof DeliveriesQuerySchema>;

export const DeliveryAttemptSchema = z.object({
  at: z.iso.datetime(),
  httpStatus: z.number().int().nullable(),
  durationMs: z.number().int().nonnegative(),
  /** The endpoint's answer (first KB) or why there was none. */
  response: z.string().nullable(),
  error: z.string().nullable(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>;

export const DeliverySchema = z.object({
  id: z.string(),
  seq: z.number().int().positive(),
  eventId: z.string(),
  type: z.string(),
  status: DeliveryStatusSchema,
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.iso.datetime(),
  lastError: z.string().nullable(),
  updatedAt: z.iso.datetime(),
});
export type Delivery = z.infer<typeof DeliverySchema>;

/** Newest first. */
export const DeliveriesPageSchema = z.object({ items: z.array(DeliverySchema), nextCursor: z.string().nullable() });
export type DeliveriesPage = z.infer<typeof DeliveriesPageSchema>;

export const DeliveryParamsSchema = SubscriptionParamsSchema.extend({ deliveryId: z.string().regex(/^\d{1,18}$/, 'is not a delivery id') });

/** A delivery with every attempt, oldest first. */
export const DeliveryDetailSchema = DeliverySchema.extend({ attemptLog: z.array(DeliveryAttemptSchema) });
export type DeliveryDetail = z.infer<typeof DeliveryDetailSchema>;

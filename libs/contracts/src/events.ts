// The event catalogue: everything the cloud tells a local store, pushed as signed webhooks and
// served for pull. One discriminated union so both sides parse with the same schema.
import { z } from 'zod';
import { DepartmentSchema, UserProfileSchema } from './directory';
import { MessageStatusSchema, RecipientResultSchema, RecipientsSpecSchema } from './messages';
import { MessageChannelSchema } from './message-channel';

const MessageRef = { messageId: z.string().min(1) };

const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex');

/** A user token's id (jti) as the cloud mints them: 128 random bits, base64url. */
export const UserTokenIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a user token id (22 base64url characters)');

/** The redeemable part of a login (see user.authenticated). */
const LoginGrantSchema = z.object({
  /** SHA-256 of the one-time ticket the browser brings back to the local store; the ticket itself never travels in an event. */
  ticketHash: Sha256HexSchema,
  /**
   * How long the ticket may be redeemed, counted by the local store from when it learns of the
   * ticket: nothing compares the cloud's clock with the store's.
   */
  ttlMs: z.number().int().positive().max(600_000),
  /**
   * SHA-256 of the browser-binding cookie the local store set when it started this login
   * (`binding` of GET /auth/dingtalk): the store redeems the ticket only for the browser holding
   * that cookie. Absent when the login was started without one; the store refuses those.
   */
  binding: Sha256HexSchema.optional(),
  /** Id (jti) of the cloud user token; not a secret. The store keeps it with the session to revoke the token at sign-out. */
  cloudTokenId: UserTokenIdSchema,
  /**
   * The short-lived cloud user token, sealed with a key derived from the ticket (HKDF-SHA256,
   * AES-256-GCM; service-kit's openWithTicket): only the holder of the ticket can open it.
   */
  sealedCloudToken: z.string().min(16).max(4096),
  cloudTokenExpiresAt: z.iso.datetime(),
});

export const EventDataSchemas = {
  'user.authenticated': z.object({
    user: UserProfileSchema,
    /**
     * What the local store needs to redeem the login's one-time ticket, with no live credential in
     * it. null on events written before 2026-12, whose ticket and token were scrubbed: nothing to redeem.
     */
    login: LoginGrantSchema.nullable(),
    /**
     * The organisation's corpId, so a store knows it for an internal app too (ISV tenants also get it
     * from tenant.authorization.changed). Absent on events written before 2026-12-06.
     */
    corpId: z.string().min(1).max(64).optional(),
  }),
  'user.upserted': z.object({ users: z.array(UserProfileSchema).min(1).max(500) }),
  'user.removed': z.object({ userids: z.array(z.string().min(1)).min(1).max(500) }),
  'department.upserted': z.object({ departments: z.array(DepartmentSchema).min(1).max(500) }),
  'department.removed': z.object({ deptIds: z.array(z.number().int().positive()).min(1).max(500) }),
  'message.accepted': z.object({
    ...MessageRef,
    msgtype: z.string(),
    msg: z.record(z.string(), z.unknown()),
    recipients: RecipientsSpecSchema,
    createdAt: z.iso.datetime(),
    /**
     * Who asked for the send: the userid behind a user token, or the API key's id. Events from
     * before this field existed have none; a local store then treats the message as nobody's own.
     */
    createdBy: z.string().min(1).max(128).optional(),
    /** The DingTalk channel; absent (events from before channels existed) = work_notification. */
    channel: MessageChannelSchema.optional(),
  }),
  'message.dispatched': z.object({
    ...MessageRef,
    taskIds: z.array(z.number().int()),
    recipients: z.array(RecipientResultSchema),
  }),
  'message.completed': z.object({
    ...MessageRef,
    status: MessageStatusSchema,
    recipients: z.array(RecipientResultSchema),
  }),
  'message.receipts.updated': z.object({ ...MessageRef, recipients: z.array(RecipientResultSchema).min(1) }),
  'message.recalled': z.object({ ...MessageRef }),
  /** Sent on an operator's request to check the webhook path end to end; receivers apply it as a no-op. */
  'test.ping': z.object({ n: z.number().int().nonnegative(), note: z.string().max(200).optional() }),
  'tenant.authorization.changed': z.object({
    corpId: z.string(),
    status: z.enum(['active', 'suspended']),
    agentId: z.number().int().optional(),
  }),
} as const;

export type EventType = keyof typeof EventDataSchemas;
export const EVENT_TYPES = Object.keys(EventDataSchemas) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof EventDataSchemas)[T]>;

const envelope = <T extends EventType>(type: T) =>
  z.object({
    id: z.string().min(1).max(128),
    type: z.literal(type),
    tenantId: z.string().min(1),
    /** Gap-free per tenant; also the version a local store compares to keep the newest state. */
    seq: z.number().int().positive(),
    occurredAt: z.iso.datetime(),
    data: EventDataSchemas[type],
  });

const envelopes = EVENT_TYPES.map((t) => envelope(t));
export const EventEnvelopeSchema = z.discriminatedUnion('type', envelopes as unknown as [ReturnType<typeof envelope<'user.upserted'>>]);

/** A typed envelope; `EventEnvelope<'user.upserted'>` narrows `data`. */
export type EventEnvelope<T extends EventType = EventType> = T extends EventType
  ? { id: string; type: T; tenantId: string; seq: number; occurredAt: string; data: EventData<T> }
  : never;

export const EventsPageSchema = z.object({
  events: z.array(EventEnvelopeSchema),
  /** Pass as `after` for the next page; equal to the request's `after` when there was nothing new. */
  next: z.number().int().nonnegative(),
  /** The tenant's newest seq when the page was read: how far behind the reader is (`lastSeq - next`). */
  lastSeq: z.number().int().nonnegative().optional(),
});
export type EventsPage = z.infer<typeof EventsPageSchema>;

export const EventsQuerySchema = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * `GET /v1/login-tickets/:ticket` on the cloud: the ticket's user.authenticated data, always with its
 * login (the redeeming store asked with the ticket itself); `ttlMs` is what is left of it.
 */
export const LoginTicketSchema = z.object({ user: UserProfileSchema, login: LoginGrantSchema });
export type LoginTicket = z.infer<typeof LoginTicketSchema>;

// The local store's own HTTP API (what the customer's frontend calls). Request schemas parse query
// strings (hence the coercions); response schemas are what tests validate every answer against.
import { z } from 'zod';
import { MessageLimitsSchema } from './message-limits';
import { MessageResourceSchema } from './store-changes';
import { UserProfileSchema } from './directory';
import { RecipientResultSchema, RecipientStatusSchema, RecipientsSpecSchema } from './messages';
import { MessageChannelSchema } from './message-channel';

/** Postgres text cannot hold NUL: a value with one matches nothing and would make the query fail. */
const NO_NUL = /^[^\u0000]*$/;
const noNul = 'must not contain NUL characters';

/** Opaque keyset cursor: pass a page's `nextCursor` back unchanged. */
const CursorSchema = z.string().min(1).max(512);
const PageLimitSchema = z.coerce.number().int().min(1).max(200).default(50);
const BooleanFlagSchema = z
  .enum(['true', 'false'])
  .default('false')
  .transform((flag) => flag === 'true');

/** What the console needs before anyone signs in (GET /api/config). */
export const ConsoleConfigSchema = z.object({
  tenantId: z.string(),
  /** The cloud's public base URL: the browser calls its /v1 API there with the user's cloud token. */
  cloudUrl: z.url(),
  /**
   * Starts "Sign in with DingTalk" at this store (a path of it): the store binds the login to the
   * browser, then sends it to the cloud, which sends it back to `/?ticket=…`.
   */
  loginUrl: z.string().startsWith('/'),
  /** The organisation's IANA time zone (the store's ORG_TIME_ZONE, Asia/Shanghai by default): dates are shown in it. */
  timeZone: z.string().min(1),
  /** DingTalk's limits the compose form checks as the user types (read from the message schemas). */
  messageLimits: MessageLimitsSchema,
});
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;

export const CreateSessionRequestSchema = z.object({
  /** The one-time ticket the cloud appended to the login return URL. */
  ticket: z.string().min(16).max(512),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>;

export const SessionResponseSchema = z.object({
  user: UserProfileSchema,
  cloudToken: z.string(),
  cloudTokenExpiresAt: z.iso.datetime(),
});
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

export const MeResponseSchema = z.object({ user: UserProfileSchema });
export type MeResponse = z.infer<typeof MeResponseSchema>;

/** DingTalk department ids are positive integers (the root is 1). */
const DeptIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const UsersQuerySchema = z
  .object({
    cursor: CursorSchema.optional(),
    limit: PageLimitSchema,
    /** Case-insensitive substring of the name, the userid or the job number. */
    q: z.string().trim().min(1).max(100).regex(NO_NUL, noNul).optional(),
    /** Only members of this department … */
    deptId: DeptIdSchema.optional(),
    /** … or of any department below it (with deptId). */
    includeSubDepartments: BooleanFlagSchema,
    /** Only users whose row changed at or after this time (the store's clock). */
    updatedSince: z.iso.datetime({ offset: true }).optional(),
    /** `true` (the default): active users; `false`: only those who left; `any`: both. */
    active: z.enum(['true', 'false', 'any']).optional(),
    /** Older name of `active=any`; `active` wins when both are given. */
    includeInactive: BooleanFlagSchema,
  })
  .superRefine((query, ctx) => {
    if (query.includeSubDepartments && query.deptId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['includeSubDepartments'], message: 'needs deptId' });
    }
  });
export type UsersQuery = z.infer<typeof UsersQuerySchema>;

export const UserParamsSchema = z.object({ userid: z.string().min(1).max(64).regex(NO_NUL, noNul) });
export const UnionIdParamsSchema = z.object({ unionId: z.string().min(1).max(128).regex(NO_NUL, noNul) });

export const UsersPageSchema = z.object({
  items: z.array(UserProfileSchema),
  nextCursor: CursorSchema.nullable(),
});
export type UsersPage = z.infer<typeof UsersPageSchema>;

export interface DepartmentNode {
  deptId: number;
  name: string;
  parentId: number | null;
  /** Active users directly in this department (not counting sub-departments). */
  memberCount: number;
  children: DepartmentNode[];
}

export const DepartmentNodeSchema: z.ZodType<DepartmentNode> = z
  .object({
    deptId: z.number().int().positive(),
    name: z.string(),
    parentId: z.number().int().nonnegative().nullable(),
    memberCount: z.number().int().nonnegative(),
    get children() {
      return z.array(DepartmentNodeSchema);
    },
  })
  // Names the recursive definition in generated JSON Schema (instead of `__schema0`).
  .meta({ id: 'DepartmentNode' });

export const DepartmentTreeQuerySchema = z.object({
  /** Only this department and what is below it. */
  rootId: DeptIdSchema.optional(),
});

/** Roots first; a department whose parent is unknown or removed is shown as a root. */
export const DepartmentTreeSchema = z.object({ items: z.array(DepartmentNodeSchema) });
export type DepartmentTree = z.infer<typeof DepartmentTreeSchema>;

export const DepartmentParamsSchema = z.object({ deptId: DeptIdSchema });

export const DepartmentDetailSchema = z.object({
  deptId: z.number().int().positive(),
  name: z.string(),
  parentId: z.number().int().nonnegative().nullable(),
  /** Active users directly in it. */
  memberCount: z.number().int().nonnegative(),
  /** Active users in it or in any department below it, each counted once. */
  totalMemberCount: z.number().int().nonnegative(),
  /** Its departments from the root down to its parent. */
  path: z.array(z.object({ deptId: z.number().int().positive(), name: z.string() })),
});
export type DepartmentDetail = z.infer<typeof DepartmentDetailSchema>;

export const MessagesQuerySchema = z.object({
  cursor: CursorSchema.optional(),
  limit: PageLimitSchema,
});
export type MessagesQuery = z.infer<typeof MessagesQuerySchema>;

export const MessageParamsSchema = z.object({ id: z.string().min(1).max(128).regex(NO_NUL, noNul) });

/** Number of recipients in each status; every status is present (zero when none). */
export const RecipientCountsSchema = z.record(RecipientStatusSchema, z.number().int().nonnegative());
export type RecipientCounts = z.infer<typeof RecipientCountsSchema>;

/** A message in the list: the resource change events describe, with its channel and its recipients counted by status. */
export const MessageSummarySchema = MessageResourceSchema.extend({
  /** The DingTalk channel: a work notification, or the app robot's 1:1 chat. */
  channel: MessageChannelSchema.default('work_notification'),
  counts: RecipientCountsSchema,
});
export type MessageSummary = z.infer<typeof MessageSummarySchema>;

export const MessagesPageSchema = z.object({
  items: z.array(MessageSummarySchema),
  nextCursor: CursorSchema.nullable(),
});
export type MessagesPage = z.infer<typeof MessagesPageSchema>;

/** Recipients in a message's detail; the rest come page by page from GET /api/messages/:id/recipients. */
export const DETAIL_RECIPIENTS = 500;

export const MessageDetailSchema = MessageSummarySchema.extend({
  msg: z.record(z.string(), z.unknown()),
  /** Who the message was addressed to, as sent. */
  recipientsSpec: RecipientsSpecSchema,
  /**
   * The recipients known so far, by userid, with their latest status (and reason for forbidden or
   * failed ones): all of them up to 500; beyond that the first 500, and `recipientsNextCursor`
   * continues at GET /api/messages/:id/recipients. `counts` always covers everyone.
   */
  recipients: z.array(RecipientResultSchema),
  /** Where GET /api/messages/:id/recipients continues after `recipients`; null when they are all. */
  recipientsNextCursor: CursorSchema.nullable(),
  /** Why a message sent through the store is not with the cloud yet (last relay attempt), or why the cloud refused it. */
  relayError: z.string().nullable(),
});
export type MessageDetail = z.infer<typeof MessageDetailSchema>;

/** `status=read,unread`: one or more recipient statuses, comma-separated. */
const StatusListSchema = z
  .string()
  .max(200)
  .transform((list) => list.split(','))
  .pipe(z.array(RecipientStatusSchema).min(1));

export const MessageRecipientsQuerySchema = z.object({
  /** Only recipients in one of these statuses (e.g. `pending,sent` for those still waiting). */
  status: StatusListSchema.optional(),
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(DETAIL_RECIPIENTS).default(100),
});
export type MessageRecipientsQuery = z.infer<typeof MessageRecipientsQuerySchema>;

/** One page of a message's recipients, by userid. */
export const MessageRecipientsPageSchema = z.object({
  items: z.array(RecipientResultSchema),
  nextCursor: CursorSchema.nullable(),
});
export type MessageRecipientsPage = z.infer<typeof MessageRecipientsPageSchema>;

export const WebhookAckSchema = z.object({ status: z.enum(['applied', 'duplicate', 'parked']) });
export type WebhookAck = z.infer<typeof WebhookAckSchema>;

export const DeadEventsQuerySchema = z.object({
  cursor: CursorSchema.optional(),
  limit: PageLimitSchema,
});
export type DeadEventsQuery = z.infer<typeof DeadEventsQuerySchema>;

export const DeadEventSchema = z.object({
  id: z.number().int(),
  eventId: z.string().nullable(),
  seq: z.number().int().nullable(),
  type: z.string().nullable(),
  source: z.enum(['push', 'pull']),
  reason: z.string(),
  /** The body exactly as received (may not even be JSON). */
  raw: z.string(),
  receivedAt: z.iso.datetime(),
});
export type DeadEvent = z.infer<typeof DeadEventSchema>;

/** Newest first. */
export const DeadEventsPageSchema = z.object({
  items: z.array(DeadEventSchema),
  nextCursor: CursorSchema.nullable(),
});
export type DeadEventsPage = z.infer<typeof DeadEventsPageSchema>;

/** POST /api/session/in-app: the auth code the DingTalk client gave the page (dd.runtime.permission.requestAuthCode). */
export const InAppSessionRequestSchema = z.strictObject({ authCode: z.string().min(1).max(256) });

/** POST /api/session/in-app/config: the page's own URL, to sign for dd.config. */
export const InAppConfigRequestSchema = z.strictObject({
  url: z
    .string()
    .max(2048)
    .refine((url) => /^https?:\/\//.test(url) && URL.canParse(url), 'must be an absolute http(s) URL'),
});

/** What a page opened inside DingTalk needs: the JSAPI script to load, and dd.config's arguments (corpId also for requestAuthCode). */
export const InAppConfigSchema = z.object({
  jsapiUrl: z.string(),
  corpId: z.string(),
  agentId: z.number().int().nullable(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  signature: z.string(),
});

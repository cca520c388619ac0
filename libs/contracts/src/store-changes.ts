// What the local store tells the customer's services about changes it applied: pushed to
// subscription endpoints as Standard Webhooks and served for pull at GET /api/changes. Each event
// carries the resource after the change; `seq` is the store's own gap-free sequence (one per
// store, independent of the cloud's) and `data.version` repeats it: of two events about the same
// resource, the higher version holds the newer state.
import { z } from 'zod';
import { DepartmentSchema, UserProfileSchema } from './directory';
import { MessageStatusSchema, RecipientResultSchema } from './messages';

const Version = z.number().int().positive();

/** A work notification as change events describe it (GET /api/messages/:id has the content and every recipient). */
export const MessageResourceSchema = z.object({
  /** The id to use at this store: the store's own id for messages sent through it (lmsg_…), else the cloud's. Either works in GET /api/messages/:id. */
  id: z.string(),
  /** The cloud's id; null while a message sent through the store waits to be relayed (or was refused). */
  cloudMessageId: z.string().nullable(),
  msgtype: z.string(),
  status: MessageStatusSchema,
  createdAt: z.iso.datetime(),
  /** Who asked for the send (a userid, a service token id, `local-admin`, or the cloud API key's id); null for messages from before this was recorded. */
  createdBy: z.string().nullable(),
});
export type MessageResource = z.infer<typeof MessageResourceSchema>;

const MessageRefSchema = MessageResourceSchema.pick({ id: true, cloudMessageId: true });

const user = z.object({ user: UserProfileSchema, version: Version });
const department = z.object({ department: DepartmentSchema, version: Version });
const message = z.object({ message: MessageResourceSchema, version: Version });

export const ChangeDataSchemas = {
  /** A user appeared in the directory (first profile). */
  'user.created': user,
  /** Any field of the profile changed (also `active` becoming true again). */
  'user.updated': user,
  /** The user left the organisation (`active` is false); the profile is the last one known. */
  'user.removed': user,
  'department.created': department,
  'department.updated': department,
  /** The department is gone; the fields are the last ones known. */
  'department.removed': department,
  /** A message became known: sent through this store (status queued), or accepted by the cloud. */
  'message.created': message,
  /** Its status changed (or a message sent through the store got its cloud id). */
  'message.updated': message,
  /** Recipients whose status or reason changed, with their new values. */
  'message.recipients.updated': z.object({ message: MessageRefSchema, recipients: z.array(RecipientResultSchema).min(1), version: Version }),
} as const;

export type ChangeType = keyof typeof ChangeDataSchemas;
export const CHANGE_TYPES = Object.keys(ChangeDataSchemas) as ChangeType[];
export type ChangeData<T extends ChangeType> = z.infer<(typeof ChangeDataSchemas)[T]>;

const changeEnvelope = <T extends ChangeType>(type: T) =>
  z.object({
    /** Also the `webhook-id` of its pushes: receivers deduplicate on it. */
    id: z.string(),
    type: z.literal(type),
    seq: z.number().int().positive(),
    occurredAt: z.iso.datetime(),
    data: ChangeDataSchemas[type],
  });

/** One envelope schema per type (the OpenAPI document lists each as a webhook). */
export const ChangeEventSchemas = Object.fromEntries(CHANGE_TYPES.map((type) => [type, changeEnvelope(type)])) as {
  [T in ChangeType]: ReturnType<typeof changeEnvelope<T>>;
};

/** What each event means, in a sentence (API docs). */
export const CHANGE_SUMMARIES: Record<ChangeType, string> = {
  'user.created': 'A user appeared in the directory: data.user is the profile.',
  'user.updated': 'A field of a user changed (also active becoming true again): data.user is the profile after the change.',
  'user.removed': 'A user left the organisation: data.user is the last profile, active false.',
  'department.created': 'A department appeared (or came back after a removal): data.department.',
  'department.updated': 'A department was renamed or moved: data.department after the change.',
  'department.removed': 'A department is gone: data.department holds its last fields.',
  'message.created': 'A work notification became known: sent through this store (queued) or accepted by the cloud. data.message.',
  'message.updated': 'A message changed status, or one sent through the store got its cloud id. data.message after the change.',
  'message.recipients.updated': 'Recipients whose status or reason changed, with their new values: data.recipients, data.message (ids).',
};

export const ChangeEventSchema = z.discriminatedUnion(
  'type',
  CHANGE_TYPES.map((type) => changeEnvelope(type)) as unknown as [ReturnType<typeof changeEnvelope<'user.created'>>],
);

/** A typed change event; `ChangeEvent<'user.updated'>` narrows `data`. */
export type ChangeEvent<T extends ChangeType = ChangeType> = T extends ChangeType
  ? { id: string; type: T; seq: number; occurredAt: string; data: ChangeData<T> }
  : never;

/** `user.*`, `department.*`, `message.*`, `*`, or one exact type. */
export const ChangeTypePatternSchema = z.union([z.enum(['user.*', 'department.*', 'message.*', '*']), z.enum(CHANGE_TYPES as [ChangeType, ...ChangeType[]])]);
export type ChangeTypePattern = z.infer<typeof ChangeTypePatternSchema>;

/** Whether a pattern covers a type (`message.*` covers `message.recipients.updated`). */
export function matchesChangeType(pattern: ChangeTypePattern, type: ChangeType): boolean {
  return pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1)));
}

const SeqCursorSchema = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const ChangesQuerySchema = z.object({
  /** The `next` of the previous page (0 = from the beginning). */
  after: SeqCursorSchema.default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ChangesQuery = z.infer<typeof ChangesQuerySchema>;

export const ChangesPageSchema = z.object({
  events: z.array(ChangeEventSchema),
  /** Pass as `after` for the next page; past events this caller may not read, never before one it may. */
  next: z.number().int().nonnegative(),
});
/** The schema's inferred type names only the union's first member; this is the real shape. */
export type ChangesPage = { events: ChangeEvent[]; next: number };

import { z } from 'zod';
import { isPublishedSecret, parseDurationMs, PUBLISHED_SECRET_MESSAGE } from '@dtg/service-kit';

export const TenantModeSchema = z.enum(['internal', 'isv']);
export const TenantStatusSchema = z.enum(['active', 'suspended']);
/** How DingTalk events reach an internal app's tenant: encrypted HTTP callbacks, or a Stream connection the cloud opens. */
export const CallbackModeSchema = z.enum(['http', 'stream']);

/**
 * What a member (someone who is not an org admin) may send with their user token. Org admins and
 * API keys with messages:send are not limited. The default lets members notify a few named people.
 */
export const MemberSendPolicySchema = z.object({
  /** false: members may not send at all. */
  enabled: z.boolean(),
  /** Most named people (userIds) a member may address in one message. */
  maxUserIds: z.number().int().min(1).max(5000),
  /** Whether members may address departments. */
  departments: z.boolean(),
  /** Whether members may address the whole organisation. */
  toAll: z.boolean(),
});
export type MemberSendPolicy = z.infer<typeof MemberSendPolicySchema>;

/** A change to the policy: the fields given replace the current ones. */
export const MemberSendPolicyChangeSchema = MemberSendPolicySchema.partial();
export type MemberSendPolicyChange = z.infer<typeof MemberSendPolicyChangeSchema>;

/**
 * Template sends (DingTalk's sendbytemplate, ISV apps only). `required`: the tenant's suite was
 * created after 2020-11-27, so DingTalk refuses plain sends and POST /v1/messages takes only the
 * `template` form. `defaultTemplateId`: the template a `template` send without an id uses.
 */
export const MessageTemplateSettingsSchema = z.object({
  required: z.boolean(),
  defaultTemplateId: z.string().trim().min(1).max(64).nullable(),
});
export type MessageTemplateSettings = z.infer<typeof MessageTemplateSettingsSchema>;
/** A change to the settings: the fields given replace the current ones (null clears the default). */
export const MessageTemplateSettingsChangeSchema = MessageTemplateSettingsSchema.partial();
export type MessageTemplateSettingsChange = z.infer<typeof MessageTemplateSettingsChangeSchema>;
// Messages are kept as strings, not as issue objects shared with the service: zod 4's refine()
// rewrites the object it is given (`message` becomes `error`), so a shared object loses its text.
export const TEMPLATES_ISV_ONLY = 'template sends are for ISV (suite) tenants; an internal app sends with msg';
export const noTemplateSettings = (change: MessageTemplateSettingsChange | undefined) =>
  change === undefined || (change.required !== true && (change.defaultTemplateId ?? null) === null);
/**
 * Whether the tenant's webhook endpoint takes pushes (delivery/endpoint-health.ts): `failing` since
 * the first failed push after the last success, `disabled` once that lasted ENDPOINT_DISABLE_AFTER.
 */
export const EndpointStateSchema = z.object({
  state: z.enum(['healthy', 'failing', 'disabled']),
  failingSince: z.date().nullable(),
  disabledAt: z.date().nullable().describe('Set while nothing is pushed to the endpoint; re-enable with POST /admin/tenants/:id/enable-endpoint'),
});
export type EndpointState = z.infer<typeof EndpointStateSchema>;

/** A tenant as the rest of the cloud sees it: no secrets (those are opened on demand). */
export interface Tenant {
  id: string;
  name: string;
  corpId: string;
  mode: z.infer<typeof TenantModeSchema>;
  appKey: string | null;
  agentId: number | null;
  webhookUrl: string | null;
  returnUrls: string[];
  status: z.infer<typeof TenantStatusSchema>;
  callbackMode: z.infer<typeof CallbackModeSchema>;
  /** Scheduled reconcile: null = the deployment default, 0 = off. */
  reconcileIntervalMs: number | null;
  nextReconcileAt: Date | null;
  memberSendPolicy: MemberSendPolicy;
  receipts: ReceiptLevel;
  /** DingTalk calls a month before receipt polling stops: null = the deployment's default, 0 = none. */
  monthlyCallBudget: number | null;
  messageTemplates: MessageTemplateSettings;
  /** The robot of robot-channel messages; null = DingTalk's default (AppKey, or SuiteKey for suite installs). */
  robotCode: string | null;
  endpoint: EndpointState;
  lastSeq: number;
  createdAt: Date;
}

/**
 * How much a tenant's messages are followed after sending — each poll is a DingTalk call the org
 * pays for: `read` (delivery outcomes, then read receipts on MESSAGE_READ_POLL_SCHEDULE),
 * `delivery` (outcomes only) or `none` (no polls: recipients stay `sent`).
 */
export const ReceiptLevelSchema = z.enum(['read', 'delivery', 'none']);
export type ReceiptLevel = z.infer<typeof ReceiptLevelSchema>;
/** Counted DingTalk calls a month (0 = no budget); null returns to DINGTALK_MONTHLY_CALL_BUDGET. */
const MonthlyCallBudgetSchema = z.number().int().min(0).max(100_000_000).nullable();

/** An internal app's callback settings (DingTalk console: token 3–32 chars, legacy API up to 63). */
const CallbackToken = z.string().min(3).max(64);
const CallbackAesKey = z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters/digits (the EncodingAESKey)');
const bothOrNeither = (t: { callbackToken?: string | null; callbackAesKey?: string | null }) =>
  (t.callbackToken === undefined) === (t.callbackAesKey === undefined) && (t.callbackToken === null) === (t.callbackAesKey === null);
const bothOrNeitherIssue = { message: 'callbackToken and callbackAesKey are set (or cleared) together', path: ['callbackAesKey'] };
/**
 * A tenant's scheduled directory reconcile: a duration (at least a minute: each run walks the whole
 * directory) or `off`; null returns to the deployment's DIRECTORY_RECONCILE_INTERVAL. Stored in ms, 0 = off.
 */
const ReconcileIntervalSchema = z.union([z.number().int(), z.string().trim()]).transform((value, ctx) => {
  const ms = value === 'off' ? 0 : typeof value === 'number' ? value : parseDurationMs(value);
  if (ms === undefined || (ms !== 0 && ms < 60_000)) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1m (12h, 1d, or ms), or off' });
    return z.NEVER;
  }
  return ms;
});

/** The app robot's code (DingTalk console → robot); for an internal app's robot DingTalk uses the AppKey. */
const RobotCodeSchema = z.string().trim().min(1).max(128);

/** A suite install's events come through the suite's own channel (SUITE_EVENT_MODE), not per tenant. */
export const ISV_STREAM_ONLY = 'only internal-app tenants choose a callbackMode; suite installs follow SUITE_EVENT_MODE';

export const CreateTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    corpId: z.string().trim().min(1).max(64),
    mode: TenantModeSchema.default('internal'),
    appKey: z.string().trim().min(1).max(128).optional(),
    appSecret: z.string().min(1).max(256).optional(),
    agentId: z.number().int().positive().optional(),
    webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
    returnUrls: z
      .array(z.url({ protocol: /^https?$/ }))
      .max(50)
      .default([]),
    callbackToken: CallbackToken.optional(),
    callbackAesKey: CallbackAesKey.optional(),
    callbackMode: CallbackModeSchema.default('http'),
    reconcileInterval: ReconcileIntervalSchema.nullable().optional(),
    memberSendPolicy: MemberSendPolicyChangeSchema.optional(),
    receipts: ReceiptLevelSchema.default('read'),
    monthlyCallBudget: MonthlyCallBudgetSchema.optional(),
    messageTemplates: MessageTemplateSettingsChangeSchema.optional(),
    robotCode: RobotCodeSchema.optional(),
  })
  .refine((t) => t.mode === 'isv' || noTemplateSettings(t.messageTemplates), { message: TEMPLATES_ISV_ONLY, path: ['messageTemplates'] })
  .refine((t) => t.mode === 'isv' || (t.appKey !== undefined && t.appSecret !== undefined), {
    message: 'an internal-app tenant needs appKey and appSecret',
    path: ['appKey'],
  })
  .refine(bothOrNeither, bothOrNeitherIssue)
  .refine((t) => t.mode === 'internal' || t.callbackMode === 'http', { message: ISV_STREAM_ONLY, path: ['callbackMode'] });
export type CreateTenant = z.input<typeof CreateTenantSchema>;

export const UpdateTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    agentId: z.number().int().positive().optional(),
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .optional(),
    returnUrls: z
      .array(z.url({ protocol: /^https?$/ }))
      .max(50)
      .optional(),
    appSecret: z.string().min(1).max(256).optional(),
    /** null clears the callback settings */
    callbackToken: CallbackToken.nullable().optional(),
    callbackAesKey: CallbackAesKey.nullable().optional(),
    callbackMode: CallbackModeSchema.optional(),
    reconcileInterval: ReconcileIntervalSchema.nullable().optional(),
    memberSendPolicy: MemberSendPolicyChangeSchema.optional(),
    receipts: ReceiptLevelSchema.optional(),
    monthlyCallBudget: MonthlyCallBudgetSchema.optional(),
    messageTemplates: MessageTemplateSettingsChangeSchema.optional(),
    /** null returns to DingTalk's default robot (the AppKey / SuiteKey). */
    robotCode: RobotCodeSchema.nullable().optional(),
  })
  .refine(bothOrNeither, bothOrNeitherIssue);
export type UpdateTenant = z.input<typeof UpdateTenantSchema>;

export const ProvidedCredentialsSchema = z.object({
  id: z
    .string()
    .regex(/^ten_[A-Za-z0-9_-]{1,60}$/, 'must look like ten_<letters/digits>')
    .optional(),
  apiKey: z
    .string()
    .regex(/^dtg_[A-Za-z0-9_-]{32,}$/, 'must be dtg_ followed by at least 32 URL-safe characters')
    .refine((key) => !isPublishedSecret(key), PUBLISHED_SECRET_MESSAGE)
    .optional(),
  webhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{32,}$/, 'must be whsec_ followed by base64 (24–64 bytes)')
    .refine((secret) => !isPublishedSecret(secret), PUBLISHED_SECRET_MESSAGE)
    .optional(),
});
export type ProvidedCredentials = z.infer<typeof ProvidedCredentialsSchema>;

/** What operators see of a tenant: never a secret. */
export const TenantViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  corpId: z.string(),
  mode: TenantModeSchema,
  appKey: z.string().nullable(),
  agentId: z.number().int().nullable(),
  webhookUrl: z.string().nullable(),
  returnUrls: z.array(z.string()),
  status: TenantStatusSchema,
  callbackMode: CallbackModeSchema,
  reconcileIntervalMs: z.number().int().nullable().describe('Scheduled directory reconcile: null = DIRECTORY_RECONCILE_INTERVAL, 0 = off'),
  nextReconcileAt: z.date().nullable(),
  memberSendPolicy: MemberSendPolicySchema,
  receipts: ReceiptLevelSchema.describe('How far messages are followed after sending: read receipts, delivery outcomes only, or none'),
  monthlyCallBudget: z
    .number()
    .int()
    .nullable()
    .describe('DingTalk calls a month before receipt polling stops: null = DINGTALK_MONTHLY_CALL_BUDGET, 0 = no budget'),
  messageTemplates: MessageTemplateSettingsSchema,
  robotCode: z.string().nullable().describe("Robot of robot-channel messages: null = DingTalk's default (the AppKey; the SuiteKey for suite installs)"),
  endpoint: EndpointStateSchema,
  lastSeq: z.number().int(),
  createdAt: z.date(),
});

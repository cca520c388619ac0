import { z } from 'zod';
// The msg shapes themselves are in @dtg/contracts: the local store validates sends with them too.
import { MAX_STATUS_BAR_RECIPIENTS, WorkNotificationMessageSchema } from '@dtg/contracts';

/**
 * Per-call recipient limits: the strictest documented values (field table 100 / 20; the SDK's
 * check allows 5000 / 500 — a [CONFLICT]). 100 userids also keeps getsendresult usable, which
 * refuses tasks with more than 100 recipients (41052). Larger audiences are chunked by the caller.
 */
export const MAX_USERIDS_PER_SEND = 100;
export const MAX_DEPTS_PER_SEND = 20;

export const AsyncSendRequestSchema = z
  .strictObject({
    /** The app's AgentId in the org; defaults to the org credentials' agentId. */
    agentId: z.number().int().positive().optional(),
    userIds: z.array(z.string().min(1)).min(1).max(MAX_USERIDS_PER_SEND).optional(),
    deptIds: z.array(z.number().int().positive()).min(1).max(MAX_DEPTS_PER_SEND).optional(),
    toAllUser: z.boolean().optional(),
    msg: WorkNotificationMessageSchema,
  })
  .superRefine((req, ctx) => {
    if (!req.toAllUser && req.userIds === undefined && req.deptIds === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give userIds, deptIds or toAllUser: true' });
    }
    const statusBar = req.msg.msgtype === 'oa' && req.msg.oa.status_bar !== undefined;
    const fewUsersOnly = !req.toAllUser && req.deptIds === undefined && (req.userIds?.length ?? 0) <= MAX_STATUS_BAR_RECIPIENTS;
    if (statusBar && !fewUsersOnly) {
      ctx.addIssue({ code: 'custom', path: ['msg', 'oa', 'status_bar'], message: 'status_bar needs ≤ 5 userids and no depts or toAllUser' });
    }
  });
export type AsyncSendRequest = z.input<typeof AsyncSendRequestSchema>;

/**
 * `sendbytemplate` (ISV apps; those created after 2020-11-27 may send no other way). The template
 * is configured and enabled in DingTalk's developer console; `data` fills its placeholders. The same
 * per-call caps as asyncsend_v2 (the doc allows 5000 / 500, but getsendresult refuses > 100), and
 * no to_all_user: the API has none.
 */
export const TemplateSendRequestSchema = z
  .strictObject({
    agentId: z.number().int().positive().optional(),
    templateId: z.string().min(1).max(64),
    userIds: z.array(z.string().min(1)).min(1).max(MAX_USERIDS_PER_SEND).optional(),
    deptIds: z.array(z.number().int().positive()).min(1).max(MAX_DEPTS_PER_SEND).optional(),
    data: z.record(z.string().min(1).max(64), z.string().max(5000)),
  })
  .refine((req) => req.userIds !== undefined || req.deptIds !== undefined, { message: 'give userIds or deptIds', path: ['userIds'] });
export type TemplateSendRequest = z.input<typeof TemplateSendRequestSchema>;

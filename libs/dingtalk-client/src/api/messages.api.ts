import { z } from 'zod';
import { AsyncSendRequestSchema, TemplateSendRequestSchema, type AsyncSendRequest, type TemplateSendRequest } from './message.schemas';
import { SendProgressSchema, SendResultSchema, type SendProgress, type SendResult } from './message-results.schemas';
import { OkSchema } from './envelope.schemas';
import { postOapi, type OrgBinding } from './org-binding';

const BASE = '/topapi/message/corpconversation';

// The answers' shapes, built once: these calls run per chunk and per receipt poll.
const TaskIdAnswer = z.object({ task_id: z.number().int() }).transform((r) => r.task_id);
const ProgressAnswer = z.object({ progress: SendProgressSchema }).transform((r) => r.progress);
const ResultAnswer = z.object({ send_result: SendResultSchema }).transform((r) => r.send_result);

/**
 * Work notifications. `send` and `recall` have effects, so they are retried only when DingTalk
 * provably did not act (throttled, token invalid, connection never opened); otherwise the error
 * carries `outcome: 'unknown'` and the caller reconciles with getSendResult.
 */
export class MessagesApi {
  constructor(
    private readonly org: OrgBinding,
    private readonly defaultAgentId: number | undefined,
    /** ISV installs may not use to_all_user (DingTalk answers 40035). */
    private readonly isv = false,
  ) {}

  /**
   * `asyncsend_v2`. Validates the request first (throws a ZodError before any I/O) and returns the
   * task id. Success only means the task exists; per-recipient outcomes come from getSendResult.
   */
  async send(request: AsyncSendRequest): Promise<number> {
    const req = AsyncSendRequestSchema.parse(request);
    if (this.isv && req.toAllUser) {
      throw new z.ZodError([
        { code: 'custom', path: ['toAllUser'], message: 'to_all_user is not available to third-party (ISV) apps; give userIds or deptIds', input: true },
      ]);
    }
    const body = {
      agent_id: this.agentId(req.agentId),
      userid_list: req.userIds?.join(','),
      dept_id_list: req.deptIds?.join(','),
      to_all_user: req.toAllUser,
      msg: req.msg,
    };
    return postOapi(this.org, `${BASE}/asyncsend_v2`, body, TaskIdAnswer, false);
  }

  /**
   * `sendbytemplate` (ISV apps): the suite's template filled with `data`. Same contract as `send`:
   * validated first, never retried once DingTalk may have acted, and the task id it returns feeds
   * getSendProgress / getSendResult / recall like any other. `data` goes as a JSON string (§4.6).
   */
  async sendByTemplate(request: TemplateSendRequest): Promise<number> {
    const req = TemplateSendRequestSchema.parse(request);
    const body = {
      agent_id: this.agentId(req.agentId),
      template_id: req.templateId,
      userid_list: req.userIds?.join(','),
      dept_id_list: req.deptIds?.join(','),
      data: JSON.stringify(req.data),
    };
    return postOapi(this.org, `${BASE}/sendbytemplate`, body, TaskIdAnswer, false);
  }

  getSendProgress(taskId: number, agentId?: number): Promise<SendProgress> {
    return postOapi(this.org, `${BASE}/getsendprogress`, { agent_id: this.agentId(agentId), task_id: taskId }, ProgressAnswer);
  }

  /** Per-recipient result (tasks ≤ 24 h old; DingTalk refuses tasks with > 100 recipients: 41052). */
  getSendResult(taskId: number, agentId?: number): Promise<SendResult> {
    return postOapi(this.org, `${BASE}/getsendresult`, { agent_id: this.agentId(agentId), task_id: taskId }, ResultAnswer);
  }

  /** Recalls a sent notification (within 24 h). */
  recall(taskId: number, agentId?: number): Promise<void> {
    return postOapi(this.org, `${BASE}/recall`, { agent_id: this.agentId(agentId), msg_task_id: taskId }, OkSchema, false);
  }

  private agentId(explicit: number | undefined): number {
    const agentId = explicit ?? this.defaultAgentId;
    if (agentId === undefined) throw new TypeError('agentId is required: pass it or set it in the org credentials');
    return agentId;
  }
}

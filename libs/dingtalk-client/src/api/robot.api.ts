import {
  RobotBatchSendRequestSchema,
  RobotBatchSendResultSchema,
  RobotReadStatusSchema,
  RobotRecallResultSchema,
  type RobotBatchSendRequest,
  type RobotBatchSendResult,
  type RobotReadStatus,
  type RobotRecallResult,
} from './robot.schemas';
import type { OrgBinding } from './org-binding';

/**
 * The app robot's 1:1 messages (dingtalk-api.md §4.8) on the new host: the token travels in the
 * `x-acs-dingtalk-access-token` header and errors are `{code, message}` with an HTTP status.
 * Like work notifications, send and recall have effects and are retried only when DingTalk
 * provably did not act; otherwise the error carries `outcome: 'unknown'`.
 */
export class RobotApi {
  constructor(private readonly org: OrgBinding) {}

  /**
   * `POST /v1.0/robot/oToMessages/batchSend`. Validates first (a ZodError before any I/O). Unknown
   * and flow-controlled userids come back at once in the answer; nothing was sent to them.
   */
  async batchSend(request: RobotBatchSendRequest): Promise<RobotBatchSendResult> {
    const req = RobotBatchSendRequestSchema.parse(request);
    const body = { robotCode: req.robotCode, userIds: req.userIds, msgKey: req.msgKey, msgParam: JSON.stringify(req.msgParam) };
    return this.org.caller.call({
      host: 'api',
      method: 'POST',
      path: '/v1.0/robot/oToMessages/batchSend',
      idempotent: false,
      rateKey: this.org.rateKey,
      auth: this.org.token,
      body,
      schema: RobotBatchSendResultSchema,
    });
  }

  /** `GET /v1.0/robot/oToMessages/readStatus`: who has read one batch send. */
  readStatus(robotCode: string, processQueryKey: string): Promise<RobotReadStatus> {
    return this.org.caller.call({
      host: 'api',
      method: 'GET',
      path: '/v1.0/robot/oToMessages/readStatus',
      query: { robotCode, processQueryKey },
      idempotent: true,
      rateKey: this.org.rateKey,
      auth: this.org.token,
      schema: RobotReadStatusSchema,
    });
  }

  /** `POST /v1.0/robot/otoMessages/batchRecall` (DingTalk spells this path `otoMessages`). Per-key outcomes. */
  async batchRecall(robotCode: string, processQueryKeys: string[]): Promise<RobotRecallResult> {
    if (processQueryKeys.length === 0) throw new TypeError('batchRecall needs at least one processQueryKey');
    return this.org.caller.call({
      host: 'api',
      method: 'POST',
      path: '/v1.0/robot/otoMessages/batchRecall',
      idempotent: false,
      rateKey: this.org.rateKey,
      auth: this.org.token,
      body: { robotCode, processQueryKeys },
      schema: RobotRecallResultSchema,
    });
  }
}

// The robot channel (issue #21): the app robot's 1:1 chat instead of a work notification. A robot
// chunk is one batchSend (≤ 20 userids); DingTalk answers unknown and flow-controlled userids at
// once — they are final — and a processQueryKey that readStatus and batchRecall take.
import type { WorkNotificationMessage } from '@dtg/contracts';
import { MAX_ROBOT_USERIDS_PER_SEND, robotMessageOf, type OrgClient, type RobotBatchSendResult } from '@dtg/dingtalk-client';
import { z } from 'zod';
import type { Tenant } from '../tenants/tenant';
import type { MessagesDeps } from './messages.deps';
import type { ChunkRecord, MessageRecord } from './messages.repository';

/** Final reasons of the recipients batchSend refuses outright. */
export const ROBOT_INVALID_REASON = 'invalid_staff_id';
export const ROBOT_FLOW_CONTROLLED_REASON = 'flow_controlled';

/**
 * The tenant's robot: its own setting, else DingTalk's default for the app — the AppKey of an
 * internal app, the SuiteKey of a suite install.
 */
export function robotCodeOf(deps: Pick<MessagesDeps, 'dingtalk'>, tenant: Tenant): string {
  const code = tenant.robotCode ?? (tenant.mode === 'isv' ? deps.dingtalk.suite?.suiteKey : tenant.appKey);
  if (!code) throw new z.ZodError([{ code: 'custom', path: ['robotCode'], message: 'the tenant has no robot code', input: null }]);
  return code;
}

/** Userids per robot chunk: the deployment's chunk size, never above batchSend's limit. */
export function robotChunkSize(chunkSize: number): number {
  return Math.min(chunkSize, MAX_ROBOT_USERIDS_PER_SEND);
}

/** One batchSend for one chunk. Throws like any client call (classified by the caller). */
export async function sendRobotChunk(deps: MessagesDeps, org: OrgClient, message: MessageRecord, chunk: ChunkRecord): Promise<RobotBatchSendResult> {
  // A template send never takes the robot channel (the input parser refuses it), so msg is a DingTalk msg.
  const robotMessage = robotMessageOf(message.msg as WorkNotificationMessage);
  // The input parser refuses these; a message stored by a later version could still get here.
  if ('unsupported' in robotMessage) throw new z.ZodError([{ code: 'custom', path: ['msg'], message: robotMessage.unsupported, input: message.msgtype }]);
  const robotCode = robotCodeOf(deps, await deps.tenants.get(message.tenantId));
  return org.robot.batchSend({ robotCode, userIds: chunk.userids, ...robotMessage });
}

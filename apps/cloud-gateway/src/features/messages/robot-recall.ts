// Recalling a robot message: batchRecall with the processQueryKeys of its chunks. DingTalk answers
// per key; the recalled ones are recorded at once, so a retry after a partial failure resumes.
import type { OrgClient } from '@dtg/dingtalk-client';
import { AppError } from '@dtg/service-kit';
import type { Tenant } from '../tenants/tenant';
import { classifyCallFailure } from './dingtalk-failure';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type ChunkState } from './messages.repository';
import { robotCodeOf } from './robot-channel';

/** Keys per batchRecall call: DingTalk documents no limit; batchSend's 20 keeps calls small. */
const KEYS_PER_CALL = 20;

export async function recallRobotChunks(deps: MessagesDeps, org: OrgClient, tenant: Tenant, chunks: ChunkState[]): Promise<void> {
  const robotCode = robotCodeOf(deps, tenant);
  const byKey = new Map(chunks.flatMap((c) => (c.processQueryKey === null ? [] : [[c.processQueryKey, c] as const])));
  const keys = [...byKey.keys()];
  const failed: string[] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
    let result;
    try {
      result = await org.robot.batchRecall(robotCode, keys.slice(i, i + KEYS_PER_CALL));
    } catch (err) {
      const failure = classifyCallFailure(err);
      throw new AppError('upstream_error', `DingTalk did not recall the robot message (${failure.reason}); retry the recall`, { cause: err });
    }
    const recalled = result.successResult.flatMap((key) => byKey.get(key) ?? []);
    await deps.sqldb.write(async (sql) => {
      for (const chunk of recalled) await repo.updateChunk(sql, chunk.id, { status: 'recalled', nextPollAt: null });
    });
    failed.push(...Object.values(result.failedResult));
  }
  if (failed.length > 0)
    throw new AppError('upstream_error', `DingTalk did not recall part of the robot message (${[...new Set(failed)].join('; ')}); retry the recall`);
}

// Step 1 of a dispatch: who gets the message, who the quota guard holds back, and the chunks —
// decided once, in one transaction that also moves the message from `queued` to `sending`. A crash
// before the commit leaves nothing behind (expansion is read-only), so the next run redoes it.
import type { OrgClient } from '@dtg/dingtalk-client';
import { canonicalSha256 } from '@dtg/service-kit';
import { newId } from '../../shared/ids';
import type { Tenant } from '../tenants/tenant';
import type { MessagesDeps } from './messages.deps';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';
import { shanghaiDay } from '../../shared/china-time';
import { applyQuotaGuard, type QuotaDecision, type QuotaRejection } from './quota-guard';
import { directUserIds, expandRecipients } from './recipient-expansion';
import { robotChunkSize } from './robot-channel';

const QUOTA_REASONS: QuotaRejection[] = ['duplicate_content', 'daily_cap'];

export async function planDispatch(deps: MessagesDeps, org: OrgClient, tenant: Tenant, message: MessageRecord): Promise<void> {
  const spec = message.recipientsSpec;
  const needsExpansion = spec.toAll === true || (spec.deptIds?.length ?? 0) > 0;
  const { userids, missingDeptIds } = needsExpansion ? await expandRecipients(org, spec) : { userids: directUserIds(spec), missingDeptIds: [] };
  if (missingDeptIds.length > 0) deps.logger.warn('message departments not found in DingTalk', { messageId: message.id, missingDeptIds });

  const now = deps.now();
  const { dailyCap } = deps.settings;
  const robot = message.channel === 'robot';
  const chunkSize = robot ? robotChunkSize(deps.settings.chunkSize) : deps.settings.chunkSize;
  await deps.sqldb.write(async (sql) => {
    if (!(await repo.setStatus(sql, message.id, ['queued'], 'sending'))) return;
    // The daily caps and once-a-day rule guarded here are DingTalk's work-notification limits
    // (§4.7). The robot documents none: its flow control answers in batchSend itself, so robot
    // sends are neither held back nor counted against the work-notification quota.
    const decision: QuotaDecision = robot
      ? { accepted: userids, rejected: [] }
      : await applyQuotaGuard(sql, {
          tenantId: message.tenantId,
          day: shanghaiDay(now),
          contentHash: canonicalSha256(message.msg),
          dailyCap: tenant.mode === 'isv' ? dailyCap.isv : dailyCap.internal,
          userids,
        });
    for (const reason of QUOTA_REASONS) {
      const held = decision.rejected.filter((r) => r.reason === reason).map((r) => r.userid);
      await repo.addRecipients(sql, message.id, held, { status: 'rejected_by_quota', reason });
    }
    for (let index = 0; index * chunkSize < decision.accepted.length; index++) {
      const part = decision.accepted.slice(index * chunkSize, (index + 1) * chunkSize);
      const id = newId('chk');
      await repo.createChunk(sql, { id, messageId: message.id, tenantId: message.tenantId, index, userids: part });
      await repo.addRecipients(sql, message.id, part, { status: 'pending', chunkId: id });
    }
  });
}

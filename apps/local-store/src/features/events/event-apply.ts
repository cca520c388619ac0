// The one apply path: push and pull both end here, in the same script as the statement that
// records the events. Every write is guarded by versions (and inserts of once-only rows do nothing
// on conflict), so running it for an event that was already applied changes nothing.
// Writes that change what customer services see also write change events into the store's outbox
// (features/changes), in this same script: a change is forwarded exactly when it was applied. The
// rows are locked first, kind by kind in key order (the same order in every batch, so concurrent
// batches cannot deadlock), and the change counter last, by `finalize`.
import type { EventEnvelope } from '@dtg/contracts';
import type { Statement } from '../../db/sql';
import { changesRepository } from '../changes/changes.repository';
import { departmentWritesRepository } from '../directory/department-writes.repository';
import { userWritesRepository } from '../directory/user-writes.repository';
import { messageWritesRepository } from '../messages/message-writes.repository';
import { loginTicketsRepository } from '../session/login-tickets.repository';
import { sessionsRepository } from '../session/sessions.repository';
import { tenantInfoRepository } from '../tenant/tenant-info.repository';
import { planApply, type ApplyPlan } from './apply-plan';

export function applyStatements(tenantId: string, events: readonly EventEnvelope[]): Statement[] {
  if (events.length === 0) return [];
  const plan = planApply(events);
  const changing = [
    ...userWritesRepository.lock(tenantId, [
      ...new Set([...plan.userProfiles.map(({ value }) => value.userid), ...plan.userRemovals.map(({ value }) => value)]),
    ]),
    ...userWritesRepository.upsertProfiles(
      tenantId,
      plan.userProfiles.map(({ value, seq }) => ({ profile: value, seq })),
    ),
    ...userWritesRepository.deactivate(
      tenantId,
      plan.userRemovals.map(({ value, seq }) => ({ userid: value, seq })),
    ),
    // After the deactivation: someone who left is signed out (the cloud revoked their tokens with the same event).
    ...sessionsRepository.endForRemoved(
      tenantId,
      plan.userRemovals.map(({ value }) => value),
    ),
    ...departmentWritesRepository.lock(tenantId, [
      ...new Set([...plan.departments.map(({ value }) => value.deptId), ...plan.departmentRemovals.map(({ value }) => value)]),
    ]),
    ...departmentWritesRepository.upsert(
      tenantId,
      plan.departments.map(({ value, seq }) => ({ department: value, seq })),
    ),
    ...departmentWritesRepository.remove(
      tenantId,
      plan.departmentRemovals.map(({ value, seq }) => ({ deptId: value, seq })),
    ),
    ...messageWritesRepository.lock(
      tenantId,
      messageIds(plan),
      plan.recipientUpdates.map(({ value }) => value),
    ),
    ...messageWritesRepository.accept(
      tenantId,
      plan.messagesAccepted.map(({ value, seq }) => ({ ...value, seq })),
    ),
    ...messageWritesRepository.setStatus(
      tenantId,
      plan.messageStatuses.map(({ value, seq }) => ({ ...value, seq })),
    ),
    ...messageWritesRepository.recordRecipients(
      tenantId,
      plan.recipientUpdates.map(({ value, seq }) => ({ ...value, seq })),
    ),
  ];
  return [
    ...loginTicketsRepository.insert(tenantId, plan.loginTickets),
    ...changing,
    ...(plan.tenantAuthorization
      ? [tenantInfoRepository.recordAuthorization(tenantId, { ...plan.tenantAuthorization.value, seq: plan.tenantAuthorization.seq })]
      : []),
    ...(plan.corpId !== undefined ? [tenantInfoRepository.learnCorpId(tenantId, plan.corpId)] : []),
    ...(changing.length > 0 ? [changesRepository.finalize(tenantId)] : []),
  ];
}

function messageIds(plan: ApplyPlan): string[] {
  return [...new Set([...plan.messagesAccepted.map(({ value }) => value.messageId), ...plan.messageStatuses.map(({ value }) => value.messageId)])];
}

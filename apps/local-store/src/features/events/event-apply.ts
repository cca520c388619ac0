// The one apply path: push and pull both end here, in the same script as the statement that
// records the events. Every write is guarded by versions (and inserts of once-only rows do nothing
// on conflict), so running it for an event that was already applied changes nothing.
import type { EventEnvelope } from '@dtg/contracts';
import type { Statement } from '../../db/sql';
import { departmentWritesRepository } from '../directory/department-writes.repository';
import { userWritesRepository } from '../directory/user-writes.repository';
import { messageWritesRepository } from '../messages/message-writes.repository';
import { loginTicketsRepository } from '../session/login-tickets.repository';
import { sessionsRepository } from '../session/sessions.repository';
import { tenantInfoRepository } from '../tenant/tenant-info.repository';
import { planApply } from './apply-plan';

export function applyStatements(tenantId: string, events: readonly EventEnvelope[]): Statement[] {
  if (events.length === 0) return [];
  const plan = planApply(events);
  return [
    ...loginTicketsRepository.insert(tenantId, plan.loginTickets),
    ...userWritesRepository.upsertProfiles(tenantId, plan.userProfiles.map(({ value, seq }) => ({ profile: value, seq }))),
    ...userWritesRepository.deactivate(tenantId, plan.userRemovals.map(({ value, seq }) => ({ userid: value, seq }))),
    // After the deactivation: someone who left is signed out (the cloud revoked their tokens with the same event).
    ...sessionsRepository.endForRemoved(tenantId, plan.userRemovals.map(({ value }) => value)),
    ...departmentWritesRepository.upsert(tenantId, plan.departments.map(({ value, seq }) => ({ department: value, seq }))),
    ...departmentWritesRepository.remove(tenantId, plan.departmentRemovals.map(({ value, seq }) => ({ deptId: value, seq }))),
    ...messageWritesRepository.accept(tenantId, plan.messagesAccepted.map(({ value, seq }) => ({ ...value, seq }))),
    ...messageWritesRepository.setStatus(tenantId, plan.messageStatuses.map(({ value, seq }) => ({ ...value, seq }))),
    ...messageWritesRepository.recordRecipients(plan.recipientUpdates.map(({ value, seq }) => ({ ...value, seq }))),
    ...(plan.tenantAuthorization ? [tenantInfoRepository.recordAuthorization(tenantId, { ...plan.tenantAuthorization.value, seq: plan.tenantAuthorization.seq })] : []),
  ];
}

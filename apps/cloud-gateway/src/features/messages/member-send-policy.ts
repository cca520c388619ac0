// What a member (not an org admin) may send: the tenant's policy, read inside the transaction that
// accepts the message, so an operator's change applies from the next request on. Org admins and
// API keys are not limited by it.
import type { RecipientsSpec } from '@dtg/contracts';
import { missingPermission, type AppError } from '@dtg/service-kit';
import type { Sql, SqlBoolean } from '../../db/prisma';
import type { MemberSendPolicy } from '../tenants/tenant';

export async function readMemberSendPolicy(sql: Sql, tenantId: string): Promise<MemberSendPolicy> {
  const row = await sql.get<{ memberSendEnabled: SqlBoolean; memberSendMaxUserIds: number; memberSendDepartments: SqlBoolean; memberSendToAll: SqlBoolean }>(
    'SELECT "memberSendEnabled", "memberSendMaxUserIds", "memberSendDepartments", "memberSendToAll" FROM "Tenant" WHERE id = ?',
    tenantId,
  );
  if (!row) throw new Error(`tenant ${tenantId} not found`);
  return {
    enabled: Boolean(row.memberSendEnabled),
    maxUserIds: row.memberSendMaxUserIds,
    departments: Boolean(row.memberSendDepartments),
    toAll: Boolean(row.memberSendToAll),
  };
}

/** Why the policy refuses this send, naming the right an org admin has and the member lacks; undefined when allowed. */
export function memberSendRefusal(policy: MemberSendPolicy, recipients: RecipientsSpec): AppError | undefined {
  if (!policy.enabled) return missingPermission('messages:send', 'This organisation lets only org admins send notifications');
  if (recipients.toAll && !policy.toAll) return missingPermission('messages:send:everyone', 'Members may not send to the whole organisation');
  if ((recipients.deptIds?.length ?? 0) > 0 && !policy.departments)
    return missingPermission('messages:send:departments', 'Members may not send to departments');
  const people = recipients.userIds?.length ?? 0;
  if (people > policy.maxUserIds) {
    return missingPermission('messages:send:any-people', `Members may send to at most ${policy.maxUserIds} people at once; this message names ${people}`);
  }
  return undefined;
}

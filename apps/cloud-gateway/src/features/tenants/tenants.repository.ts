import type { DbTx } from '../../db/prisma';
import type { Tenant as TenantRow } from '../../generated/prisma/client';
import type { MemberSendPolicyChange, MessageTemplateSettingsChange, Tenant } from './tenant';

export type { TenantRow };

export function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    corpId: row.corpId,
    mode: row.mode === 'isv' ? 'isv' : 'internal',
    appKey: row.appKey,
    agentId: row.agentId,
    webhookUrl: row.webhookUrl,
    returnUrls: JSON.parse(row.returnUrls) as string[],
    status: row.status === 'suspended' ? 'suspended' : 'active',
    callbackMode: row.callbackMode === 'stream' ? 'stream' : 'http',
    reconcileIntervalMs: row.reconcileIntervalMs,
    nextReconcileAt: row.nextReconcileAt,
    memberSendPolicy: {
      enabled: row.memberSendEnabled,
      maxUserIds: row.memberSendMaxUserIds,
      departments: row.memberSendDepartments,
      toAll: row.memberSendToAll,
    },
    receipts: row.receiptLevel === 'delivery' || row.receiptLevel === 'none' ? row.receiptLevel : 'read',
    monthlyCallBudget: row.monthlyCallBudget,
    messageTemplates: { required: row.templateRequired, defaultTemplateId: row.defaultTemplateId },
    robotCode: row.robotCode,
    endpoint: {
      state: row.endpointDisabledAt ? 'disabled' : row.endpointFailingSince ? 'failing' : 'healthy',
      failingSince: row.endpointFailingSince,
      disabledAt: row.endpointDisabledAt,
    },
    lastSeq: row.lastSeq,
    createdAt: row.createdAt,
  };
}

/** The columns a policy change writes (undefined leaves a column as it is). */
export function memberSendColumns(change: MemberSendPolicyChange | undefined) {
  return {
    memberSendEnabled: change?.enabled,
    memberSendMaxUserIds: change?.maxUserIds,
    memberSendDepartments: change?.departments,
    memberSendToAll: change?.toAll,
  };
}

/** The columns a template-settings change writes (undefined leaves a column as it is). */
export function messageTemplateColumns(change: MessageTemplateSettingsChange | undefined) {
  return { templateRequired: change?.required, defaultTemplateId: change?.defaultTemplateId };
}

export const tenantsRepository = {
  async findRow(db: DbTx, id: string): Promise<TenantRow | null> {
    return db.tenant.findUnique({ where: { id } });
  },
  async list(db: DbTx): Promise<Tenant[]> {
    return (await db.tenant.findMany({ orderBy: { createdAt: 'asc' } })).map(toTenant);
  },
  async findByCorp(db: DbTx, corpId: string, mode: Tenant['mode']): Promise<Tenant | null> {
    const row = await db.tenant.findUnique({ where: { corpId_mode: { corpId, mode } } });
    return row ? toTenant(row) : null;
  },
};

import type { DbTx, Sql } from '../../db/prisma';
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
    // BigInt on Postgres (prisma/postgres-schema.ts WIDE_INTS): a number here, as on SQLite.
    agentId: row.agentId === null ? null : Number(row.agentId),
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

/** Columns Prisma keeps as DateTime and Boolean: SQLite stores them as epoch ms and 0/1. */
const DATE_COLUMNS = [
  'previousSecretExpiresAt',
  'createdAt',
  'updatedAt',
  'nextReconcileAt',
  'endpointFailingSince',
  'endpointDisabledAt',
  'credentialsFailingSince',
] as const;
const BOOLEAN_COLUMNS = ['memberSendEnabled', 'memberSendDepartments', 'memberSendToAll', 'templateRequired'] as const;

/** A row read by direct SQL, in the types Prisma would have given it. */
function fromSql(raw: Record<string, unknown>): TenantRow {
  const row: Record<string, unknown> = { ...raw };
  for (const column of DATE_COLUMNS) row[column] = raw[column] === null ? null : new Date(raw[column] as number);
  for (const column of BOOLEAN_COLUMNS) row[column] = Boolean(raw[column]);
  return row as unknown as TenantRow;
}

export const tenantsRepository = {
  /**
   * The tenant row by direct SQL: every dispatch, receipt poll, login and directory call reads its
   * tenant, and through Prisma's query interpreter that read cost ~50× the SQL (the send benchmark
   * spent 6 % of the cloud's CPU on it).
   */
  async findRowSql(sql: Sql, id: string): Promise<TenantRow | null> {
    const raw = await sql.get<Record<string, unknown>>('SELECT * FROM "Tenant" WHERE id = ?', id);
    return raw ? fromSql(raw) : null;
  },

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

import type { Sql, SqlParam } from '../../db/prisma';
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

  async findByCorp(sql: Sql, corpId: string, mode: Tenant['mode']): Promise<Tenant | null> {
    const raw = await sql.get<Record<string, unknown>>('SELECT * FROM "Tenant" WHERE "corpId" = ? AND mode = ?', corpId, mode);
    return raw ? toTenant(fromSql(raw)) : null;
  },

  async list(sql: Sql): Promise<Tenant[]> {
    return (await sql.all<Record<string, unknown>>('SELECT * FROM "Tenant" ORDER BY "createdAt", id')).map((raw) => toTenant(fromSql(raw)));
  },

  /** A new row: `columns` without createdAt/updatedAt (set here); columns left out take their defaults. */
  async insert(sql: Sql, columns: TenantColumns): Promise<TenantRow> {
    const at = new Date();
    const set = definedColumns({ ...columns, createdAt: at, updatedAt: at });
    const names = set.map(([name]) => `"${name}"`).join(', ');
    const marks = set.map(() => '?').join(', ');
    const raw = await sql.get<Record<string, unknown>>(`INSERT INTO "Tenant" (${names}) VALUES (${marks}) RETURNING *`, ...set.map(([, value]) => value));
    return fromSql(raw!);
  },

  /** Sets the defined `columns` (undefined leaves a column as it is; null clears it) and updatedAt; null when there is no such tenant. */
  async update(sql: Sql, id: string, columns: TenantColumns): Promise<TenantRow | null> {
    const set = definedColumns({ ...columns, updatedAt: new Date() });
    const raw = await sql.get<Record<string, unknown>>(
      `UPDATE "Tenant" SET ${set.map(([name]) => `"${name}" = ?`).join(', ')} WHERE id = ? RETURNING *`,
      ...set.map(([, value]) => value),
      id,
    );
    return raw ? fromSql(raw) : null;
  },
};

/** Columns of a Tenant write, by their names in the schema (fixed names from this code, never from input). */
export type TenantColumns = { [K in keyof TenantRow]?: SqlParam | undefined };

function definedColumns(columns: TenantColumns): [string, SqlParam][] {
  return Object.entries(columns).filter((entry): entry is [string, SqlParam] => entry[1] !== undefined);
}

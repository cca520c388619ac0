import type { EventData } from '@dtg/contracts';
import type { Statement } from '../../db/sql';

export type TenantAuthorizationChange = EventData<'tenant.authorization.changed'> & { seq: number };

const UPSERT = `
  INSERT INTO tenant_info AS t (tenant_id, corp_id, status, agent_id, version, updated_at)
  VALUES ($1, $2, $3, $4, $5, now())
  ON CONFLICT (tenant_id) DO UPDATE SET
    corp_id = excluded.corp_id, status = excluded.status, agent_id = excluded.agent_id,
    version = excluded.version, updated_at = now()
  WHERE t.version < excluded.version`;

export const tenantInfoRepository = {
  recordAuthorization(tenantId: string, change: TenantAuthorizationChange): Statement {
    return { text: UPSERT, values: [tenantId, change.corpId, change.status, change.agentId ?? null, change.seq] };
  },
};

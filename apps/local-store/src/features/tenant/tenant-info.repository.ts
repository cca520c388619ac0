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

// An internal app's tenant never receives tenant.authorization.changed: its corpId is learnt from a
// sign-in. Only a missing row is filled (version 0, so any authorization event later wins).
const LEARN_CORP_ID = `
  INSERT INTO tenant_info (tenant_id, corp_id, status, agent_id, version, updated_at)
  VALUES ($1, $2, 'active', NULL, 0, now())
  ON CONFLICT (tenant_id) DO NOTHING`;

export const tenantInfoRepository = {
  learnCorpId(tenantId: string, corpId: string): Statement {
    return { text: LEARN_CORP_ID, values: [tenantId, corpId] };
  },

  recordAuthorization(tenantId: string, change: TenantAuthorizationChange): Statement {
    return { text: UPSERT, values: [tenantId, change.corpId, change.status, change.agentId ?? null, change.seq] };
  },
};

// Event-driven writes to `departments`; same two-version scheme as users (fields vs removed flag).
import type { Department } from '@dtg/contracts';
import { jsonParam, type Statement } from '../../db/sql';

const NEWER_PROFILE = 'coalesce(d.profile_version, -1) < excluded.profile_version';
const NEWER_REMOVED = 'd.removed_version < excluded.removed_version';

const UPSERT = `
  INSERT INTO departments AS d (tenant_id, dept_id, name, parent_id, removed, profile_version, removed_version, updated_at)
  SELECT $1, i.dept_id, i.name, i.parent_id, false, i.seq, i.seq, now()
  FROM jsonb_to_recordset($2::jsonb) AS i(dept_id bigint, name text, parent_id bigint, seq int)
  ORDER BY i.dept_id
  ON CONFLICT (tenant_id, dept_id) DO UPDATE SET
    name = CASE WHEN ${NEWER_PROFILE} THEN excluded.name ELSE d.name END,
    parent_id = CASE WHEN ${NEWER_PROFILE} THEN excluded.parent_id ELSE d.parent_id END,
    profile_version = GREATEST(d.profile_version, excluded.profile_version),
    removed = CASE WHEN ${NEWER_REMOVED} THEN false ELSE d.removed END,
    removed_version = GREATEST(d.removed_version, excluded.removed_version),
    updated_at = now()
  WHERE ${NEWER_PROFILE} OR ${NEWER_REMOVED}`;

const REMOVE = `
  INSERT INTO departments AS d (tenant_id, dept_id, removed, profile_version, removed_version, updated_at)
  SELECT $1, i.dept_id, true, NULL, i.seq, now()
  FROM jsonb_to_recordset($2::jsonb) AS i(dept_id bigint, seq int)
  ORDER BY i.dept_id
  ON CONFLICT (tenant_id, dept_id) DO UPDATE SET removed = true, removed_version = excluded.removed_version, updated_at = now()
  WHERE ${NEWER_REMOVED}`;

export const departmentWritesRepository = {
  upsert(tenantId: string, items: readonly { department: Department; seq: number }[]): Statement[] {
    if (items.length === 0) return [];
    const rows = items.map(({ department, seq }) => ({
      dept_id: department.deptId,
      name: department.name,
      parent_id: department.parentId,
      seq,
    }));
    return [{ text: UPSERT, values: [tenantId, jsonParam(rows)] }];
  },

  remove(tenantId: string, items: readonly { deptId: number; seq: number }[]): Statement[] {
    if (items.length === 0) return [];
    const rows = items.map(({ deptId, seq }) => ({ dept_id: deptId, seq }));
    return [{ text: REMOVE, values: [tenantId, jsonParam(rows)] }];
  },
};

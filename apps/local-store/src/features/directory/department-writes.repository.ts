// Event-driven writes to `departments`; same two-version scheme as users (fields vs removed flag),
// and the same change events: department.created / .updated / .removed for rows a statement
// actually changed, compared with their before-images under the lock `lock` takes first.
import type { Department } from '@dtg/contracts';
import { jsonParam, type Statement } from '../../db/sql';
import { departmentJson } from '../changes/change-json';

const NEWER_PROFILE = 'coalesce(d.profile_version, -1) < excluded.profile_version';
const NEWER_REMOVED = 'd.removed_version < excluded.removed_version';

const INCOMING_IDS = 'SELECT i.dept_id FROM jsonb_to_recordset($2::jsonb) AS i(dept_id bigint)';

const LOCK = `SELECT 1 FROM departments WHERE tenant_id = $1 AND dept_id IN (${INCOMING_IDS}) ORDER BY dept_id FOR UPDATE`;

const BEFORE = `SELECT b.dept_id, b.profile_version, b.removed, ${departmentJson('b')} AS department
  FROM departments b WHERE b.tenant_id = $1 AND b.dept_id IN (${INCOMING_IDS})`;

// A department that comes back after a removal is reported as created again.
const UPSERT = `
  WITH before AS MATERIALIZED (${BEFORE}), written AS (
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
    WHERE ${NEWER_PROFILE} OR ${NEWER_REMOVED}
    RETURNING d.dept_id, d.removed, ${departmentJson('d')} AS department
  )
  INSERT INTO changes (tenant_id, type, data)
  SELECT $1, CASE WHEN b.profile_version IS NULL OR b.removed THEN 'department.created' ELSE 'department.updated' END,
    jsonb_build_object('department', w.department)
  FROM written w LEFT JOIN before b ON b.dept_id = w.dept_id
  WHERE NOT w.removed AND (b.profile_version IS NULL OR b.removed OR b.department IS DISTINCT FROM w.department)
  ORDER BY w.dept_id`;

const REMOVE = `
  WITH before AS MATERIALIZED (${BEFORE}), written AS (
    INSERT INTO departments AS d (tenant_id, dept_id, removed, profile_version, removed_version, updated_at)
    SELECT $1, i.dept_id, true, NULL, i.seq, now()
    FROM jsonb_to_recordset($2::jsonb) AS i(dept_id bigint, seq int)
    ORDER BY i.dept_id
    ON CONFLICT (tenant_id, dept_id) DO UPDATE SET removed = true, removed_version = excluded.removed_version, updated_at = now()
    WHERE ${NEWER_REMOVED}
    RETURNING d.dept_id, ${departmentJson('d')} AS department
  )
  INSERT INTO changes (tenant_id, type, data)
  SELECT $1, 'department.removed', jsonb_build_object('department', w.department)
  FROM written w JOIN before b ON b.dept_id = w.dept_id
  WHERE b.profile_version IS NOT NULL AND NOT b.removed
  ORDER BY w.dept_id`;

export const departmentWritesRepository = {
  /** Row-locks the departments a batch will write, before the writes read their before-images. */
  lock(tenantId: string, deptIds: readonly number[]): Statement[] {
    return deptIds.length === 0 ? [] : [{ text: LOCK, values: [tenantId, jsonParam(deptIds.map((deptId) => ({ dept_id: deptId })))] }];
  },

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

import type { Department } from '@dtg/contracts';
import type { Sql } from '../../db/sql';

/** Active users with a profile: who a member count counts. */
const COUNTED = 'u.tenant_id = $1 AND u.active AND u.profile_version IS NOT NULL';

// Down parent_id (indexed on (tenant_id, parent_id)); UNION, not UNION ALL, so a parent cycle in
// bad data ends instead of looping. Removed departments are not descended into.
const SUBTREE = `
  WITH RECURSIVE sub(dept_id) AS (
    SELECT d.dept_id FROM departments d WHERE d.tenant_id = $1 AND d.dept_id = $2
    UNION
    SELECT d.dept_id FROM departments d JOIN sub ON d.parent_id = sub.dept_id
    WHERE d.tenant_id = $1 AND NOT d.removed AND d.profile_version IS NOT NULL
  )
  SELECT dept_id::text AS dept_id FROM sub`;

export const departmentsRepository = {
  /** Current (not removed) departments that have a profile. */
  async listCurrent(sql: Sql, tenantId: string): Promise<Department[]> {
    const rows = await sql.query<{ dept_id: string; name: string; parent_id: string | null }>(
      `SELECT dept_id::text AS dept_id, name, parent_id::text AS parent_id FROM departments
       WHERE tenant_id = $1 AND NOT removed AND profile_version IS NOT NULL ORDER BY dept_id`,
      [tenantId],
    );
    return rows.map((row) => ({ deptId: Number(row.dept_id), name: row.name, parentId: row.parent_id === null ? null : Number(row.parent_id) }));
  },

  /** The department and every department below it (ids), or [] when it is unknown. */
  async subtreeIds(sql: Sql, tenantId: string, rootId: number): Promise<number[]> {
    const rows = await sql.query<{ dept_id: string }>(SUBTREE, [tenantId, rootId]);
    return rows.map((row) => Number(row.dept_id));
  },

  /** Active users directly in each department that has any. */
  async memberCounts(sql: Sql, tenantId: string): Promise<Map<number, number>> {
    const rows = await sql.query<{ dept_id: string; n: number }>(
      `SELECT d.dept_id::text AS dept_id, count(*)::int AS n FROM users u CROSS JOIN LATERAL unnest(u.dept_ids) AS d(dept_id)
       WHERE ${COUNTED} GROUP BY d.dept_id`,
      [tenantId],
    );
    return new Map(rows.map((row) => [Number(row.dept_id), row.n]));
  },

  /** Active users in any of these departments, each counted once. */
  async countMembers(sql: Sql, tenantId: string, deptIds: readonly number[]): Promise<number> {
    const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM users u WHERE ${COUNTED} AND u.dept_ids && $2::bigint[]`, [tenantId, deptIds]);
    return row?.n ?? 0;
  },
};

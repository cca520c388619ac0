// Directory reads, all plain SQL (an ORM read would load Prisma's query compiler, tens of MB of
// WebAssembly, into the store for a handful of lookups). Every list is a keyset page on the primary key (tenant_id, userid): stable while
// rows change underneath (no offsets), and each filter has an index — a GIN on dept_ids, a btree on
// updated_at, a trigram GIN on search_text — so the planner can start from whichever is most
// selective or walk the primary key and stop after one page.
import type { UserProfile } from '@dtg/contracts';
import type { Sql } from '../../db/sql';

export interface UserFilter {
  /** Keyset: only userids after this one. */
  afterUserid?: string;
  limit: number;
  /** Substring of name, userid or job number, case-insensitive. */
  q?: string;
  /** Members of any of these departments. */
  deptIds?: readonly number[];
  updatedSince?: Date;
  /** undefined = active and inactive. */
  active?: boolean;
}

interface UserRow {
  userid: string;
  union_id: string | null;
  name: string;
  avatar: string | null;
  title: string | null;
  job_number: string | null;
  mobile: string | null;
  email: string | null;
  dept_ids: string[];
  manager_userid: string | null;
  admin: boolean | null;
  boss: boolean | null;
  active: boolean;
}

// dept_ids come back as text: bigint[] would otherwise arrive as strings anyway.
const COLUMNS = 'userid, union_id, name, avatar, title, job_number, mobile, email, dept_ids::text[] AS dept_ids, manager_userid, admin, boss, active';
/** Tombstones (a removal seen before any profile) have no profile and are never shown. */
const HAS_PROFILE = 'profile_version IS NOT NULL';

export const usersRepository = {
  async find(sql: Sql, tenantId: string, userid: string): Promise<UserProfile | undefined> {
    const [row] = await sql.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 AND userid = $2 AND ${HAS_PROFILE}`, [tenantId, userid]);
    return row ? toUserProfile(row) : undefined;
  },

  async findByUnionId(sql: Sql, tenantId: string, unionId: string): Promise<UserProfile | undefined> {
    const [row] = await sql.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 AND union_id = $2 AND ${HAS_PROFILE} LIMIT 1`, [
      tenantId,
      unionId,
    ]);
    return row ? toUserProfile(row) : undefined;
  },

  /** Plain SQL: the array overlap and an escaped ILIKE are what keep the plan on the indexes. One extra row tells whether another page exists. */
  async list(sql: Sql, tenantId: string, filter: UserFilter): Promise<{ items: UserProfile[]; hasMore: boolean }> {
    const values: unknown[] = [tenantId];
    const param = (value: unknown) => `$${values.push(value)}`;
    const where = ['tenant_id = $1', HAS_PROFILE];
    if (filter.active !== undefined) where.push(`active = ${param(filter.active)}`);
    if (filter.afterUserid !== undefined) where.push(`userid > ${param(filter.afterUserid)}`);
    if (filter.deptIds !== undefined) where.push(departmentFilter(param(filter.deptIds), filter.deptIds.length));
    if (filter.updatedSince !== undefined) where.push(`updated_at >= ${param(filter.updatedSince)}`);
    if (filter.q !== undefined) where.push(`search_text LIKE lower(${param(`%${escapeLike(filter.q)}%`)})`);
    const rows = await sql.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE ${where.join(' AND ')} ORDER BY userid LIMIT ${param(filter.limit + 1)}`, values);
    return { items: rows.slice(0, filter.limit).map(toUserProfile), hasMore: rows.length > filter.limit };
  },
};

/**
 * A few departments: `&&` with the array as a value, which the planner estimates from the array
 * statistics, starting from the GIN index when they have few members. Many departments (a big
 * subtree) have many members: the planner underestimates a long array, would fetch every member
 * through the GIN and sort them, and `&&` compares each row against the whole array. Asked as
 * "one of the user's departments is in the set" instead, the set becomes a hash lookup and the
 * planner walks the primary key in order, stopping after a page.
 */
const MANY_DEPARTMENTS = 16;
function departmentFilter(placeholder: string, count: number): string {
  return count > MANY_DEPARTMENTS
    ? `EXISTS (SELECT 1 FROM unnest(dept_ids) AS d(dept_id) WHERE d.dept_id = ANY(${placeholder}::bigint[]))`
    : `dept_ids && ${placeholder}::bigint[]`;
}

/** The search text is matched literally: `%`, `_` and the escape character lose their LIKE meaning. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function toUserProfile(row: UserRow): UserProfile {
  const profile: UserProfile = { userid: row.userid, name: row.name, deptIds: row.dept_ids.map(Number), active: row.active };
  if (row.union_id !== null) profile.unionId = row.union_id;
  if (row.avatar !== null) profile.avatar = row.avatar;
  if (row.title !== null) profile.title = row.title;
  if (row.job_number !== null) profile.jobNumber = row.job_number;
  if (row.mobile !== null) profile.mobile = row.mobile;
  if (row.email !== null) profile.email = row.email;
  if (row.manager_userid !== null) profile.managerUserid = row.manager_userid;
  if (row.admin !== null) profile.admin = row.admin;
  if (row.boss !== null) profile.boss = row.boss;
  return profile;
}

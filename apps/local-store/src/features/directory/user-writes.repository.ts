// Event-driven writes to `users`, as bulk SQL statements for one batch of events. The profile and
// the active flag carry separate versions: a late upsert still brings a newer profile but can never
// revive a user removed by a newer event. Each statement also writes a change event (user.created,
// .updated, .removed) for every row whose profile it actually changed: the rows it wrote
// (RETURNING) compared with the same rows before the statement, which `lock` has row-locked first
// so nothing else can change them in between.
import type { UserProfile } from '@dtg/contracts';
import { jsonParam, type Statement } from '../../db/sql';
import { userJson } from '../changes/change-json';

export interface VersionedProfile {
  profile: UserProfile;
  /** Event seq; 0 for a profile known from a source without a seq (a fetched login ticket). */
  seq: number;
}

const PROFILE_COLUMNS = ['union_id', 'name', 'avatar', 'title', 'job_number', 'mobile', 'email', 'dept_ids', 'manager_userid', 'admin', 'boss'] as const;

const NEWER_PROFILE = 'coalesce(u.profile_version, -1) < excluded.profile_version';
/** What GET /api/users?q= searches (users.search_text). */
const SEARCH_TEXT = (i: string) => `lower(${i}.name || ' ' || ${i}.userid || ' ' || coalesce(${i}.job_number, ''))`;
const NEWER_ACTIVE = 'u.active_version < excluded.active_version';

const INCOMING_USERIDS = 'SELECT i.userid FROM jsonb_to_recordset($2::jsonb) AS i(userid text)';

// The rows this batch is about to write, locked in key order (the order every batch takes them in).
const LOCK = `SELECT 1 FROM users WHERE tenant_id = $1 AND userid IN (${INCOMING_USERIDS}) ORDER BY userid FOR UPDATE`;

const BEFORE = `SELECT b.userid, b.profile_version, b.active, ${userJson('b')} AS profile
  FROM users b WHERE b.tenant_id = $1 AND b.userid IN (${INCOMING_USERIDS})`;

// A unionId names one person and is unique per tenant. The upsert leaves it out while another
// user holds it; the release and claim statements then move it to the claimant when the claimant's
// stored profile is the one just upserted and the holder's profile is older.
const UPSERT_PROFILES = `
  WITH before AS MATERIALIZED (${BEFORE}), written AS (
  INSERT INTO users AS u (tenant_id, userid, ${PROFILE_COLUMNS.join(', ')}, search_text, active, profile_version, active_version, updated_at)
  SELECT $1, i.userid,
    CASE WHEN EXISTS (SELECT 1 FROM users o WHERE o.tenant_id = $1 AND o.union_id = i.union_id AND o.userid <> i.userid)
      THEN NULL ELSE i.union_id END,
    i.name, i.avatar, i.title, i.job_number, i.mobile, i.email, coalesce(i.dept_ids, '{}'), i.manager_userid, i.admin, i.boss,
    ${SEARCH_TEXT('i')}, i.active, i.seq, i.seq, now()
  FROM jsonb_to_recordset($2::jsonb) AS i(
    userid text, union_id text, name text, avatar text, title text, job_number text, mobile text, email text,
    dept_ids bigint[], manager_userid text, admin boolean, boss boolean, active boolean, seq int)
  ORDER BY i.userid
  ON CONFLICT (tenant_id, userid) DO UPDATE SET
    ${[...PROFILE_COLUMNS, 'search_text'].map((column) => `${column} = CASE WHEN ${NEWER_PROFILE} THEN excluded.${column} ELSE u.${column} END`).join(',\n    ')},
    profile_version = GREATEST(u.profile_version, excluded.profile_version),
    active = CASE WHEN ${NEWER_ACTIVE} THEN excluded.active ELSE u.active END,
    active_version = GREATEST(u.active_version, excluded.active_version),
    updated_at = now()
  WHERE ${NEWER_PROFILE} OR ${NEWER_ACTIVE}
    RETURNING u.userid, u.profile_version, ${userJson('u')} AS profile
  )
  INSERT INTO changes (tenant_id, type, data)
  SELECT $1,
    CASE WHEN b.profile_version IS NULL THEN 'user.created'
         WHEN b.active AND NOT (w.profile->>'active')::boolean THEN 'user.removed'
         ELSE 'user.updated' END,
    jsonb_build_object('user', w.profile)
  FROM written w LEFT JOIN before b ON b.userid = w.userid
  WHERE w.profile_version IS NOT NULL AND (b.profile_version IS NULL OR b.profile IS DISTINCT FROM w.profile)
  ORDER BY w.userid`;

// Claims whose profile write took effect but that did not get their unionId (another user has it).
// The scalar subquery is evaluated per incoming row on the primary key, and the statements below
// are gated on `EXISTS (SELECT 1 FROM claims)`, a one-time filter: with no claim (the usual case)
// they touch nothing, whatever the planner thinks of the table's size.
const CLAIMS = `
  SELECT i.userid, i.union_id, i.seq
  FROM jsonb_to_recordset($2::jsonb) AS i(userid text, union_id text, seq int)
  WHERE i.union_id IS NOT NULL
    AND (SELECT c.profile_version = i.seq AND c.union_id IS DISTINCT FROM i.union_id
         FROM users c WHERE c.tenant_id = $1 AND c.userid = i.userid)`;

// Both change union_id on every row they touch, so each row they return is a change.
const unionIdChanges = (update: string) => `
  WITH claims AS MATERIALIZED (${CLAIMS}), changed AS (${update}
    RETURNING u.userid, u.profile_version, ${userJson('u')} AS profile
  )
  INSERT INTO changes (tenant_id, type, data)
  SELECT $1, 'user.updated', jsonb_build_object('user', profile) FROM changed WHERE profile_version IS NOT NULL ORDER BY userid`;

const RELEASE_UNION_IDS = unionIdChanges(`
  UPDATE users u SET union_id = NULL, updated_at = now()
  FROM claims i
  WHERE EXISTS (SELECT 1 FROM claims)
    AND u.tenant_id = $1 AND u.union_id = i.union_id AND u.userid <> i.userid
    AND coalesce(u.profile_version, -1) < i.seq`);

const CLAIM_UNION_IDS = unionIdChanges(`
  UPDATE users u SET union_id = i.union_id, updated_at = now()
  FROM claims i
  WHERE EXISTS (SELECT 1 FROM claims)
    AND u.tenant_id = $1 AND u.userid = i.userid
    AND NOT EXISTS (SELECT 1 FROM users o WHERE o.tenant_id = $1 AND o.union_id = i.union_id)`);

// A removal seen before any profile leaves a tombstone (no profile, inactive) so the older upsert
// arriving later cannot make the user active.
// Only a user who had a profile and was active is reported removed (a tombstone is nobody yet).
const DEACTIVATE = `
  WITH before AS MATERIALIZED (${BEFORE}), written AS (
    INSERT INTO users AS u (tenant_id, userid, dept_ids, search_text, active, profile_version, active_version, updated_at)
    SELECT $1, i.userid, '{}', lower(i.userid), false, NULL, i.seq, now()
    FROM jsonb_to_recordset($2::jsonb) AS i(userid text, seq int)
    ORDER BY i.userid
    ON CONFLICT (tenant_id, userid) DO UPDATE SET active = false, active_version = excluded.active_version, updated_at = now()
    WHERE ${NEWER_ACTIVE}
    RETURNING u.userid, ${userJson('u')} AS profile
  )
  INSERT INTO changes (tenant_id, type, data)
  SELECT $1, 'user.removed', jsonb_build_object('user', w.profile)
  FROM written w JOIN before b ON b.userid = w.userid
  WHERE b.active AND b.profile_version IS NOT NULL
  ORDER BY w.userid`;

export const userWritesRepository = {
  /** Row-locks the users a batch will write; runs before the writes so their before-images are exact. */
  lock(tenantId: string, userids: readonly string[]): Statement[] {
    return userids.length === 0 ? [] : [{ text: LOCK, values: [tenantId, jsonParam(userids.map((userid) => ({ userid })))] }];
  },

  /** Profile upserts, plus the unionId hand-over when any incoming profile names one. */
  upsertProfiles(tenantId: string, items: readonly VersionedProfile[]): Statement[] {
    if (items.length === 0) return [];
    const rows = withUniqueUnionIds(items).map(toRow);
    const values = [tenantId, jsonParam(rows)];
    const statements = [{ text: UPSERT_PROFILES, values }];
    if (rows.some((row) => row.union_id !== null)) statements.push({ text: RELEASE_UNION_IDS, values }, { text: CLAIM_UNION_IDS, values });
    return statements;
  },

  deactivate(tenantId: string, items: readonly { userid: string; seq: number }[]): Statement[] {
    return items.length === 0 ? [] : [{ text: DEACTIVATE, values: [tenantId, jsonParam(items)] }];
  },
};

/** Within one batch a unionId may appear on two userids (it moved); only the newest keeps it. */
function withUniqueUnionIds(items: readonly VersionedProfile[]): VersionedProfile[] {
  const owner = new Map<string, VersionedProfile>();
  for (const item of items) {
    const unionId = item.profile.unionId;
    if (unionId === undefined) continue;
    const current = owner.get(unionId);
    if (!current || current.seq < item.seq) owner.set(unionId, item);
  }
  return items.map((item) => {
    const unionId = item.profile.unionId;
    if (unionId === undefined || owner.get(unionId) === item) return item;
    return { ...item, profile: { ...item.profile, unionId: undefined } };
  });
}

function toRow({ profile, seq }: VersionedProfile) {
  return {
    userid: profile.userid,
    union_id: profile.unionId ?? null,
    name: profile.name,
    avatar: profile.avatar ?? null,
    title: profile.title ?? null,
    job_number: profile.jobNumber ?? null,
    mobile: profile.mobile ?? null,
    email: profile.email ?? null,
    dept_ids: profile.deptIds,
    manager_userid: profile.managerUserid ?? null,
    admin: profile.admin ?? null,
    boss: profile.boss ?? null,
    active: profile.active,
    seq,
  };
}

// The resources change events carry, built in SQL from the rows a statement wrote (RETURNING), so
// an event holds exactly what was committed. Shapes match @dtg/contracts (UserProfile, Department,
// MessageResource); the apply-path tests parse them with those schemas.

/** A users row as a UserProfile (absent fields omitted, as the API gives them). */
export const userJson = (u: string) =>
  `jsonb_strip_nulls(jsonb_build_object('userid', ${u}.userid, 'unionId', ${u}.union_id, 'name', ${u}.name, 'avatar', ${u}.avatar,
    'title', ${u}.title, 'jobNumber', ${u}.job_number, 'mobile', ${u}.mobile, 'email', ${u}.email, 'deptIds', to_jsonb(${u}.dept_ids),
    'managerUserid', ${u}.manager_userid, 'admin', ${u}.admin, 'boss', ${u}.boss, 'active', ${u}.active))`;

export const departmentJson = (d: string) => `jsonb_build_object('deptId', ${d}.dept_id, 'name', ${d}.name, 'parentId', ${d}.parent_id)`;

/** ISO 8601 in UTC with milliseconds, as JavaScript writes it. */
export const isoJson = (at: string) => `to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const messageJson = (m: string) =>
  `jsonb_build_object('id', ${m}.id, 'cloudMessageId', ${m}.id, 'msgtype', ${m}.msgtype, 'status', ${m}.status,
    'createdAt', ${isoJson(`${m}.created_at`)}, 'createdBy', ${m}.created_by)`;

/** A message is visible (listed, and reported in events) once its content is known. */
export const messageVisible = (m: string) => `${m}.accepted_seq IS NOT NULL`;

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

/** A messages row as a MessageResource: known here by the store's own id when it was sent through the store. */
export const messageJson = (m: string) =>
  `jsonb_build_object('id', coalesce(${m}.local_id, ${m}.id), 'cloudMessageId', ${m}.id, 'msgtype', ${m}.msgtype, 'status', ${m}.status,
    'createdAt', ${isoJson(`${m}.created_at`)}, 'createdBy', ${m}.created_by)`;

/** A message is visible (listed, and reported in events) once its content is known: accepted by the cloud, or sent through this store. */
export const messageVisible = (m: string) => `(${m}.accepted_seq IS NOT NULL OR ${m}.local_id IS NOT NULL)`;

/** The reference to a message in recipient events: its id here, and the cloud's. */
export const messageRefJson = (cloudId: string) =>
  `jsonb_build_object('id', coalesce((SELECT r.local_id FROM messages r WHERE r.id = ${cloudId}), ${cloudId}), 'cloudMessageId', ${cloudId})`;

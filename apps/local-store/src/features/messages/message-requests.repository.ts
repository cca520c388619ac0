// Sends asked of this store (POST /api/messages) until the cloud has them. Each state change that
// a customer service sees writes its change event in the same transaction (message.created when
// asked, message.updated when the cloud's id is known or the cloud refused it for good).
import { storedMessageOf, type MessageChannel, type MessageStatus, type RecipientsSpec, type SendMessageBody } from '@dtg/contracts';
import { jsonParam, type Sql, type Statement } from '../../db/sql';
import { isoJson, messageJson } from '../changes/change-json';

export interface RequestRow {
  id: string;
  idempotency_key: string | null;
  request_hash: string | null;
  created_by: string;
  msgtype: string;
  msg: Record<string, unknown>;
  recipients_spec: RecipientsSpec;
  /** null = work_notification (and every request from before channels existed). */
  channel: MessageChannel | null;
  state: 'queued' | 'relayed' | 'failed';
  cloud_message_id: string | null;
  attempts: number;
  last_error: string | null;
  created_at: Date;
}

export interface NewRequest {
  id: string;
  idempotencyKey: string | null;
  requestHash: string | null;
  createdBy: string;
  body: SendMessageBody;
}

const COLUMNS =
  'id, idempotency_key, request_hash, created_by, msgtype, msg, recipients_spec, channel, state, cloud_message_id, attempts, last_error, created_at';

/** How a request looks in change events before the cloud has it. */
const requestJson = (r: string, status: MessageStatus) =>
  `jsonb_build_object('id', ${r}.id, 'cloudMessageId', ${r}.cloud_message_id, 'msgtype', ${r}.msgtype, 'status', '${status}',
    'createdAt', ${isoJson(`${r}.created_at`)}, 'createdBy', ${r}.created_by)`;

const INSERT = `
  WITH r AS (
    INSERT INTO message_requests (id, tenant_id, idempotency_key, request_hash, created_by, msgtype, msg, recipients_spec, channel, state, next_attempt_at)
    SELECT i.id, $1, i.idempotency_key, i.request_hash, i.created_by, i.msgtype, i.msg, i.recipients_spec, i.channel, 'queued', now()
    FROM jsonb_to_record($2::jsonb) AS i(id text, idempotency_key text, request_hash text, created_by text, msgtype text, msg jsonb, recipients_spec jsonb, channel text)
    RETURNING *
  )
  INSERT INTO changes (tenant_id, type, data) SELECT $1, 'message.created', jsonb_build_object('message', ${requestJson('r', 'queued')}) FROM r`;

// The cloud accepted it: the messages row (created now, or already there if the cloud's events came
// first) is bound to this request, which keeps its own id, author and time; the cloud's events then
// fill in the content and statuses.
const RELAYED = `
  WITH r AS (
    UPDATE message_requests SET state = 'relayed', cloud_message_id = $3, lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = now()
    WHERE tenant_id = $1 AND id = $2 AND state = 'queued'
    RETURNING *
  ), m AS (
    INSERT INTO messages AS m (id, tenant_id, msgtype, msg, recipients_spec, channel, created_at, created_by, local_id, status, status_version, updated_at)
    SELECT $3, $1, r.msgtype, r.msg, r.recipients_spec, r.channel, r.created_at, r.created_by, r.id, 'queued', 0, now() FROM r
    ON CONFLICT (id) DO UPDATE SET local_id = excluded.local_id, created_by = excluded.created_by, created_at = excluded.created_at,
      msgtype = coalesce(m.msgtype, excluded.msgtype), channel = coalesce(m.channel, excluded.channel), msg = coalesce(m.msg, excluded.msg), recipients_spec = coalesce(m.recipients_spec, excluded.recipients_spec),
      updated_at = now()
    RETURNING ${messageJson('m')} AS message
  )
  INSERT INTO changes (tenant_id, type, data) SELECT $1, 'message.updated', jsonb_build_object('message', message) FROM m`;

const FAILED = `
  WITH r AS (
    UPDATE message_requests SET state = 'failed', last_error = $3, lease_owner = NULL, lease_until = NULL, updated_at = now()
    WHERE tenant_id = $1 AND id = $2 AND state = 'queued'
    RETURNING *
  )
  INSERT INTO changes (tenant_id, type, data) SELECT $1, 'message.updated', jsonb_build_object('message', ${requestJson('r', 'failed')}) FROM r`;

export const messageRequestsRepository = {
  async findByKey(sql: Sql, tenantId: string, createdBy: string, idempotencyKey: string): Promise<RequestRow | undefined> {
    const [row] = await sql.query<RequestRow>(`SELECT ${COLUMNS} FROM message_requests WHERE tenant_id = $1 AND created_by = $2 AND idempotency_key = $3`, [
      tenantId,
      createdBy,
      idempotencyKey,
    ]);
    return row;
  },

  async find(sql: Sql, tenantId: string, id: string): Promise<RequestRow | undefined> {
    const [row] = await sql.query<RequestRow>(`SELECT ${COLUMNS} FROM message_requests WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return row;
  },

  insert(tenantId: string, request: NewRequest): Statement {
    // A template send is kept as msgtype `template` with its template in `msg` (sendBodyOf reverses it).
    const { msgtype, msg } = storedMessageOf(request.body);
    const row = {
      id: request.id,
      idempotency_key: request.idempotencyKey,
      request_hash: request.requestHash,
      created_by: request.createdBy,
      msgtype,
      msg,
      recipients_spec: request.body.recipients,
      channel: request.body.channel ?? null,
    };
    return { text: INSERT, values: [tenantId, jsonParam(row)] };
  },

  /** Queued requests due now (or whose lease ran out), leased to `owner`. */
  async claim(sql: Sql, tenantId: string, owner: string, limit: number, leaseMs: number): Promise<RequestRow[]> {
    return sql.query<RequestRow>(
      `UPDATE message_requests SET lease_owner = $2, lease_until = now() + make_interval(secs => $4::double precision / 1000), updated_at = now()
       WHERE id IN (
         SELECT id FROM message_requests
         WHERE tenant_id = $1 AND state = 'queued' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [tenantId, owner, limit, leaseMs],
    );
  },

  relayed(tenantId: string, id: string, cloudMessageId: string): Statement {
    return { text: RELAYED, values: [tenantId, id, cloudMessageId] };
  },

  failed(tenantId: string, id: string, reason: string): Statement {
    return { text: FAILED, values: [tenantId, id, reason.slice(0, 1024)] };
  },

  /** Not accepted this time: try again after `delayMs`. */
  async retryLater(sql: Sql, tenantId: string, id: string, owner: string, delayMs: number, reason: string): Promise<void> {
    await sql.query(
      `UPDATE message_requests SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $4::double precision / 1000),
         last_error = $5, lease_owner = NULL, lease_until = NULL, updated_at = now()
       WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3 AND state = 'queued'`,
      [tenantId, id, owner, delayMs, reason.slice(0, 1024)],
    );
  },
};

// What a decrypted DingTalk callback is, which of them the cloud acts on, and the stable key that
// lets a redelivery (DingTalk retries at +10 s and +30 s, a ticket up to 100 times) be recognised.
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Decrypted callback body: DingTalk's PascalCase fields, of which only EventType is common to all. */
export const CallbackPayloadSchema = z.looseObject({ EventType: z.string().min(1).max(128) });
export type CallbackPayload = z.infer<typeof CallbackPayloadSchema>;

/** URL checks when a callback URL is registered: answered, never stored. */
export const VERIFICATION_EVENTS: readonly string[] = ['check_url', 'check_create_suite_url', 'check_update_suite_url', 'check_suite_license_code'];
export const USER_EVENTS: readonly string[] = ['user_add_org', 'user_modify_org', 'user_leave_org', 'user_active_org'];
export const DEPARTMENT_EVENTS: readonly string[] = ['org_dept_create', 'org_dept_modify', 'org_dept_remove'];
export const SUITE_EVENTS: readonly string[] = [
  'suite_ticket',
  'tmp_auth_code',
  'change_auth',
  'suite_relieve',
  'org_micro_app_restore',
  'org_micro_app_stop',
  'org_micro_app_remove',
  'SYNC_HTTP_PUSH_HIGH',
  'SYNC_HTTP_PUSH_MEDIUM',
  // Stream mode names the authorisation events as SyncHTTP's syncAction does.
  'org_suite_auth',
  'org_suite_change',
  'org_suite_relieve',
];

export type CallbackSourceKind = 'app' | 'suite';

/** verify: answer only; process: store and handle in a job; ignore: answer, nothing else (a type we do not subscribe to). */
export function dispositionOf(kind: CallbackSourceKind, eventType: string): 'verify' | 'process' | 'ignore' {
  if (VERIFICATION_EVENTS.includes(eventType)) return 'verify';
  if (USER_EVENTS.includes(eventType) || DEPARTMENT_EVENTS.includes(eventType)) return 'process';
  if (kind === 'suite' && SUITE_EVENTS.includes(eventType)) return 'process';
  return 'ignore';
}

/** The org an event is about: contact events carry CorpId, suite events AuthCorpId, SyncHTTP rows corp_id. */
export function corpIdOf(payload: CallbackPayload): string | undefined {
  for (const value of [payload['CorpId'], payload['AuthCorpId']]) if (typeof value === 'string' && value) return value;
  const rows = payload['bizData'];
  if (Array.isArray(rows)) {
    const first: unknown = rows[0];
    if (first && typeof first === 'object' && 'corp_id' in first && typeof first.corp_id === 'string') return first.corp_id;
  }
  return undefined;
}

/**
 * A Stream EVENT as a stored payload: its eventType as EventType, its org as CorpId, its id and birth
 * time, and the event's own (camelCase) fields — the handlers read both spellings, since DingTalk's
 * current pages also give HTTP bodies in camelCase (`userId`, `deptId`).
 */
export function streamPayload(event: { eventType: string; eventId: string; corpId?: string; bornAtMs?: number; data: unknown }): CallbackPayload {
  const data =
    event.data !== null && typeof event.data === 'object' && !Array.isArray(event.data) ? (event.data as Record<string, unknown>) : { value: event.data };
  return {
    ...data,
    EventType: event.eventType,
    EventId: event.eventId,
    ...(event.corpId ? { CorpId: event.corpId } : {}),
    ...(event.bornAtMs !== undefined ? { EventBornTime: event.bornAtMs } : {}),
  };
}

/** Stream events carry an id that stays the same across redeliveries: it is their key. */
export function streamEventKey(source: string, eventId: string): string {
  return `cbe_${createHash('sha256').update(`${source}\nstream:${eventId}`).digest('base64url')}`;
}

/**
 * A redelivery carries the same payload (only nonce, timestamp and signature change), so the key
 * is a hash of the source and the payload with its keys sorted.
 */
export function eventKey(source: string, payload: CallbackPayload): string {
  const digest = createHash('sha256')
    .update(`${source}\n${canonicalJson(payload)}`)
    .digest('base64url');
  return `cbe_${digest}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

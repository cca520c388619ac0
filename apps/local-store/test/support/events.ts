// Small factories for cloud events; each test builds exactly the events it needs.
import type { EventData, EventEnvelope, EventType, UserProfile } from '@dtg/contracts';
import { signWebhook } from '@dtg/webhook-signing';

export const TENANT_ID = 'ten_local_test';

export function event<T extends EventType>(type: T, seq: number, data: EventData<T>, overrides: Partial<EventEnvelope> = {}): EventEnvelope<T> {
  return {
    id: `evt_${seq}_${type}`,
    type,
    tenantId: TENANT_ID,
    seq,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq % 60)).toISOString(),
    data,
    ...overrides,
  } as EventEnvelope<T>;
}

export function user(userid: string, overrides: Partial<UserProfile> = {}): UserProfile {
  return { userid, name: `Name of ${userid}`, deptIds: [1], active: true, ...overrides };
}

export const userUpserted = (seq: number, ...users: UserProfile[]) => event('user.upserted', seq, { users });

export function loginTicket(ticket: string, profile: UserProfile, expiresInMs = 60_000) {
  return {
    ticket,
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    user: profile,
    cloudToken: `cloud-token-for-${profile.userid}-0123456789`,
    cloudTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

/** Standard Webhooks headers for `body`, signed now (or at `timestampSec`). */
export function signed(body: string, secrets: readonly string[], id = 'msg_test', timestampSec = Math.floor(Date.now() / 1000)) {
  return signWebhook({ id, timestampSec, body, secrets });
}

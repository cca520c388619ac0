// Small factories for cloud events; each test builds exactly the events it needs.
import { randomBytes } from 'node:crypto';
import type { EventData, EventEnvelope, EventType, LoginTicket, UserProfile } from '@dtg/contracts';
import { sealWithTicket, sha256Hex } from '@dtg/service-kit';
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

export interface IssuedLogin {
  /** What the browser holds. */
  ticket: string;
  /** What the cloud sealed into the event. */
  cloudToken: string;
  /** The user.authenticated data (and the cloud's GET /v1/login-tickets answer). */
  data: LoginTicket;
}

/**
 * A login as the cloud issues it: the event names the ticket by hash and carries the token sealed
 * with it, and the binding of the browser that started it at the store (see support/browser-login.ts).
 */
export function loginTicket(ticket: string, profile: UserProfile, options: { ttlMs?: number; binding?: string } = {}): IssuedLogin {
  const { ttlMs = 60_000, binding } = options;
  const cloudToken = `dtgu_cloud-token-for-${profile.userid}-${randomBytes(8).toString('hex')}`;
  return {
    ticket,
    cloudToken,
    data: {
      user: profile,
      login: {
        ticketHash: sha256Hex(ticket),
        ttlMs,
        ...(binding ? { binding } : {}),
        cloudTokenId: randomBytes(16).toString('base64url'),
        sealedCloudToken: sealWithTicket(ticket, cloudToken),
        cloudTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    },
  };
}

/** Standard Webhooks headers for `body`, signed now (or at `timestampSec`). */
export function signed(body: string, secrets: readonly string[], id = 'msg_test', timestampSec = Math.floor(Date.now() / 1000)) {
  return signWebhook({ id, timestampSec, body, secrets });
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { SimError } from '../core/sim-error';

/**
 * Signature of the old signed ISV endpoints (get_corp_token, get_auth_info): Base64 of
 * HMAC-SHA256(secret, timestamp + "\n" + suiteTicket), the ticket part omitted when absent.
 */
export function signTimestamp(secret: string, timestamp: string, suiteTicket?: string): string {
  const text = suiteTicket === undefined ? timestamp : `${timestamp}\n${suiteTicket}`;
  return createHmac('sha256', secret).update(text).digest('base64');
}

export interface SignedQuery {
  accessKey?: string;
  timestamp?: string;
  signature?: string;
  suiteTicket?: string;
}

/**
 * Checks a signed request: the timestamp must be ms within ±skew of the sim clock and the
 * signature must match (compared after URL-decoding, which the query parser already did).
 * Errors use the documented sns signature codes 853001–853004.
 */
export function verifySignedQuery(q: SignedQuery, secret: string, nowMs: number, skewMs: number): void {
  if (q.timestamp === undefined || !/^\d{10,16}$/.test(q.timestamp)) {
    throw new SimError('signature_timestamp_format', 'timestamp must be milliseconds since epoch');
  }
  if (Math.abs(Number(q.timestamp) - nowMs) > skewMs) {
    throw new SimError('signature_timestamp_skew', 'timestamp differs from server time by more than 1 minute');
  }
  const expected = Buffer.from(signTimestamp(secret, q.timestamp, q.suiteTicket));
  const given = Buffer.from(q.signature ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new SimError('signature_mismatch', 'signature does not match');
  }
}

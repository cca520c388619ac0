// When a tenant's scheduled reconcile is due: slots every `intervalMs`, anchored at a time of day in
// China time (DingTalk orgs live there; the default 03:00 is its quiet night), each tenant shifted
// by a stable offset of up to an hour so that a deployment's tenants do not all walk at once.
import { createHash } from 'node:crypto';
import { CHINA_OFFSET_MS } from '../../shared/china-time';

const DAY_MS = 86_400_000;
const MAX_SPREAD_MS = 3600_000;

/** Stable per tenant, below min(interval, 1 h). */
export function tenantOffsetMs(tenantId: string, intervalMs: number): number {
  const spread = Math.min(intervalMs, MAX_SPREAD_MS);
  return createHash('sha256').update(tenantId).digest().readUInt32BE(0) % Math.max(1, spread);
}

/** The first slot strictly after `nowMs`: anchor (today's time of day + offset) + k · interval. */
export function nextSlotMs(nowMs: number, intervalMs: number, atMsOfDay: number, offsetMs: number): number {
  const chinaDayStart = Math.floor((nowMs + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  const anchor = chinaDayStart + atMsOfDay + offsetMs;
  const k = Math.floor((nowMs - anchor) / intervalMs) + 1;
  return anchor + k * intervalMs;
}

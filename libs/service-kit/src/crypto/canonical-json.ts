import { sha256Hex } from './sha256';

/** JSON with object keys sorted at every level, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** What an Idempotency-Key is bound to in both services: the same request body in any key order. */
export function canonicalSha256(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

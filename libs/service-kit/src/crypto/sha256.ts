import { createHash } from 'node:crypto';

/**
 * SHA-256 as hex (strings as UTF-8): how both services store and compare what must not be kept in
 * the clear (API keys, tickets, session ids, login secrets) and fingerprint content.
 */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

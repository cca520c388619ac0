import { createHash } from 'node:crypto';

/** SHA-256 of a string as hex: how API keys, login secrets and content are stored and compared. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

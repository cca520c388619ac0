import { createHash } from 'node:crypto';

/** SHA-256 of a UTF-8 string as hex: how tickets, session ids and parked payloads are stored and compared. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

import { createCipheriv, randomBytes } from 'node:crypto';

/** A fresh 32-byte sealing key, base64 (as ENCRYPTION_KEY takes it). */
export const newKey = (): string => randomBytes(32).toString('base64');

/** What the first releases wrote: v1.<iv>.<tag>.<ciphertext>, no associated data. */
export function sealV1(keyBase64: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyBase64, 'base64'), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

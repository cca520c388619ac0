import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: login states and tickets are bearer secrets. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What we store instead of the secret itself, so a database leak does not leak usable states or tickets. */
export function secretKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

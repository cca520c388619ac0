import { randomBytes } from 'node:crypto';
import { sha256Hex } from '@dtg/service-kit';

/** 256 random bits, URL-safe: login states and tickets are bearer secrets. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What we store instead of the secret itself, so a database leak does not leak usable states or tickets. */
export const secretKey = sha256Hex;

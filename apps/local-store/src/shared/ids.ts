import { randomBytes } from 'node:crypto';

/** Prefixed, URL-safe ids (`tok_…`, `sub_…`) that sort by creation time, with 96 random bits. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBytes(12).toString('base64url')}`;
}

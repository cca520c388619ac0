import { randomBytes } from 'node:crypto';

/** Random, URL-safe, prefixed ids (`ten_…`, `dlv_…`): 16 random bytes, so unguessable too. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

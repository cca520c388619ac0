import { randomBytes, randomUUID } from 'node:crypto';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** Old-host `request_id`: 13 lowercase base36 chars, like `16l4ew3d47pdp`. */
export function oapiRequestId(): string {
  return pick(BASE36, 13);
}

/** New-host `requestid`: an uppercase GUID. */
export function apiRequestId(): string {
  return randomUUID().toUpperCase();
}

/** Opaque credential: 32 lowercase hex chars, the shape DingTalk access tokens have. */
export function newToken(): string {
  return randomBytes(16).toString('hex');
}

export function randomAlnum(length: number): string {
  return pick(ALNUM, length);
}

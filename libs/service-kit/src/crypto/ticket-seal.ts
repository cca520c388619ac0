// A value only the holder of a one-time login ticket can open: AES-256-GCM under a key derived from
// the ticket with HKDF-SHA256. The cloud seals the user token it mints at login this way, so the
// user.authenticated event (kept in the outbox, pushed, pulled) carries no live credential; the
// local store opens it when the browser brings the ticket back. The ticket has 256 random bits, so
// the key needs no salt or stretching.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const INFO = 'dtg login ticket seal v1';

function keyOf(ticket: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(ticket, 'utf8'), Buffer.alloc(0), INFO, 32));
}

/** "v1.<iv>.<tag>.<ciphertext>", base64url parts. */
export function sealWithTicket(ticket: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(ticket), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** Throws unless `sealed` was sealed with this very ticket and not altered. */
export function openWithTicket(ticket: string, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a ticket-sealed value');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(ticket), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

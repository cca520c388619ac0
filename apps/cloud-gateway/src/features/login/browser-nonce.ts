// The browser half of a login's state. GET /auth/dingtalk sets an httpOnly cookie whose SHA-256 the
// state keeps; the callback refuses a state whose browser does not present it. Without it, someone
// could consent as themselves and have a victim's browser open their callback URL, signing the
// victim in as them (login CSRF). The cookie is named after its hash, so logins started in several
// tabs do not overwrite each other's nonce.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request } from 'express';
import { readCookie, sha256Hex } from '@dtg/service-kit';
import { STATE_TTL_MS } from './oauth-states.repository';

/** Only the callback needs it. */
const COOKIE_PATH = '/auth/dingtalk/callback';

export interface BrowserNonce {
  name: string;
  value: string;
  hash: string;
}

export function nonceCookieName(hash: string): string {
  return `dtg_login_${hash.slice(0, 16)}`;
}

export function newBrowserNonce(): BrowserNonce {
  const value = randomBytes(32).toString('base64url');
  const hash = sha256Hex(value);
  return { name: nonceCookieName(hash), value, hash };
}

/**
 * SameSite=Lax: DingTalk sends the browser back with a top-level cross-site GET, which Lax lets the
 * cookie ride on (Strict would not). Secure whenever the cloud is served over https.
 */
export function nonceCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: COOKIE_PATH, maxAge: STATE_TTL_MS };
}

/** Whether this request's browser holds the nonce whose hash the state kept. */
export function holdsNonce(req: Request, hash: string | null): boolean {
  if (!hash) return false;
  const value = readCookie(req, nonceCookieName(hash));
  if (!value) return false;
  const [given, expected] = [Buffer.from(sha256Hex(value)), Buffer.from(hash)];
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function clearNonceOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: COOKIE_PATH };
}

// Optional two-step sign-in for operators: RFC 6238 TOTP (SHA-1, 6 digits, 30 s — what every
// authenticator app reads from an otpauth:// URI), through otpauth, a small, maintained
// implementation, rather than hand-rolled HMAC truncation.
import { Secret, TOTP } from 'otpauth';

const totp = (secret: string, label = 'operator') =>
  new TOTP({ issuer: 'DingTalk gateway', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });

/** 160 random bits, base32 (RFC 4226's recommended length). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

export const totpUri = (secret: string, username: string): string => totp(secret, username).toString();

/** The code of this 30 s step or the one either side of it (clock drift of the phone). */
export function totpMatches(secret: string, code: string, now: number): boolean {
  return totp(secret).validate({ token: code, timestamp: now, window: 1 }) !== null;
}

/** The code at `now` (tests). */
export const totpCode = (secret: string, now: number): string => totp(secret).generate({ timestamp: now });

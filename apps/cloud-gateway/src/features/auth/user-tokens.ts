// Short-lived bearer tokens for browsers, minted at login: HMAC-SHA256 over a small JSON payload.
// Stateless on purpose (no table to hit per request); the short TTL bounds what a leak can do.
// The token carries the person's role (from DingTalk at login); its scopes follow from the role
// when it is verified, so they are never more than the role's.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ROLE_SCOPES, RoleSchema, type Role, type Scope } from './permissions';

export const USER_TOKEN_PREFIX = 'dtgu_';

const PayloadSchema = z.object({
  /** The token's id: what a revocation names (not a secret). */
  jti: z.string(),
  tid: z.string(),
  sub: z.string(),
  role: RoleSchema,
  iat: z.number(),
  exp: z.number(),
});

export interface UserTokenClaims {
  tokenId: string;
  issuedAt: Date;
  tenantId: string;
  userid: string;
  role: Role;
  scopes: readonly Scope[];
  expiresAt: Date;
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

export function mintUserToken(
  secret: string,
  claims: { tenantId: string; userid: string; role: Role },
  ttlMs: number,
  now = Date.now(),
): { token: string; tokenId: string; expiresAt: Date } {
  const exp = now + ttlMs;
  const jti = randomBytes(16).toString('base64url');
  const payload = { jti, tid: claims.tenantId, sub: claims.userid, role: claims.role, iat: now, exp };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return { token: `${USER_TOKEN_PREFIX}${body}.${sign(secret, body)}`, tokenId: jti, expiresAt: new Date(exp) };
}

/** The claims of a valid, unexpired token; null for anything else (never throws on bad input). */
export function verifyUserToken(secret: string, token: string, now = Date.now()): UserTokenClaims | null {
  if (!token.startsWith(USER_TOKEN_PREFIX)) return null;
  const [body, signature] = token.slice(USER_TOKEN_PREFIX.length).split('.');
  if (!body || !signature) return null;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = PayloadSchema.safeParse(json);
  if (!parsed.success || parsed.data.exp <= now) return null;
  const { jti, tid, sub, role, iat, exp } = parsed.data;
  return { tokenId: jti, issuedAt: new Date(iat), tenantId: tid, userid: sub, role, scopes: ROLE_SCOPES[role], expiresAt: new Date(exp) };
}

// Who is calling /api, resolved once per request: a service token, the LOCAL_ADMIN_TOKEN, or the
// console's session cookie. A Bearer header that does not check out is refused outright (401),
// never silently replaced by a cookie that happens to be there.
import { createHash, timingSafeEqual } from 'node:crypto';
import { SCOPES, type Scope, type UserProfile } from '@dtg/contracts';
import { unauthorized } from '@dtg/service-kit';
import type { Request } from 'express';
import { readSessionCookie } from '../features/session/session.middleware';
import type { SessionService } from '../features/session/session.service';
import type { ServiceTokens } from '../features/tokens/service-tokens.service';

export interface Caller {
  kind: 'service_token' | 'admin_token' | 'session';
  /** What records name as the author (createdBy): the token's id, `local-admin`, or the userid. */
  id: string;
  scopes: ReadonlySet<Scope>;
  /** May manage service tokens and read parked events: the LOCAL_ADMIN_TOKEN or an org admin's session. */
  admin: boolean;
  /** Members of the org read only the messages they created. */
  ownMessagesOnly: boolean;
  user?: UserProfile;
}

/** The author name of everything done with the LOCAL_ADMIN_TOKEN or the store-admin CLI. */
export const LOCAL_ADMIN = 'local-admin';

/** What a signed-in member (not an org admin) may do in the console: read the directory, send, read their own messages. */
const MEMBER_SCOPES: readonly Scope[] = ['directory:read', 'messages:send', 'messages:read'];

const REFUSED = {
  unknown: 'The bearer token is not valid.',
  revoked: 'The service token has been revoked.',
  expired: 'The service token has expired.',
} as const;

export interface CallerDeps {
  tokens: ServiceTokens;
  sessions: SessionService;
  adminToken: string | undefined;
}

export type CallerResolver = (req: Request) => Promise<Caller | undefined>;

export function callerResolver(deps: CallerDeps): CallerResolver {
  const adminDigest = deps.adminToken === undefined ? undefined : digest(deps.adminToken);
  return async (req) => {
    const header = req.get('authorization');
    if (header !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (bearer === undefined) throw unauthorized('Authorization must be "Bearer <service token>".');
      if (adminDigest !== undefined && timingSafeEqual(digest(bearer), adminDigest)) {
        return { kind: 'admin_token', id: LOCAL_ADMIN, scopes: new Set(SCOPES), admin: true, ownMessagesOnly: false };
      }
      const check = await deps.tokens.authenticate(bearer);
      if (!check.ok) throw unauthorized(REFUSED[check.reason]);
      return { kind: 'service_token', id: check.token.id, scopes: new Set(check.token.scopes), admin: false, ownMessagesOnly: false };
    }
    const sessionId = readSessionCookie(req);
    const user = sessionId === undefined ? undefined : await deps.sessions.currentUser(sessionId);
    if (!user) return undefined;
    const admin = user.admin === true;
    return { kind: 'session', id: user.userid, scopes: new Set(admin ? SCOPES : MEMBER_SCOPES), admin, ownMessagesOnly: !admin, user };
  };
}

// Comparing fixed-length digests keeps the comparison constant-time whatever the token length.
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

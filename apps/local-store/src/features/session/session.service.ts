// Sessions at this store. Signing in is "Sign in with DingTalk" through the cloud (dingtalk-login.ts);
// a finished login becomes a session row, in the transaction that redeems its ticket. Signing out
// ends the session and queues the revocation of its cloud token, in one transaction.
import { randomBytes } from 'node:crypto';
import type { UserProfile } from '@dtg/contracts';
import { AppError } from '@dtg/service-kit';
import type { CloudClient } from '../../cloud/cloud-client';
import type { Database } from '../../db/database';
import { inTransaction } from '../../db/sql';
import { usersRepository } from '../directory/users.repository';
import { beginDingTalkLogin, finishDingTalkLogin, type Cookie, type DingTalkLoginSettings, type LoginBegun } from './dingtalk-login';
import { hashSessionId, sessionsRepository } from './sessions.repository';
import { tokenRevocationsRepository } from './token-revocations.repository';

export interface CreatedSession {
  /** The cookie value; never stored. */
  sessionId: string;
  expiresAt: Date;
  user: UserProfile;
  cloudToken: string;
  cloudTokenExpiresAt: string;
  /** The login's binding cookie, spent now. */
  clearCookie: Cookie;
}

export interface SessionServiceDeps {
  db: Database;
  cloud: CloudClient;
  login: DingTalkLoginSettings;
  sessionTtlMs: number;
  /** Called after a sign-out committed a cloud-token revocation (the revoker sends it). */
  onRevocation?: () => void;
}

export function createSessionService(deps: SessionServiceDeps) {
  const { db } = deps;
  const { tenantId } = deps.login;

  return {
    /** Starts "Sign in with DingTalk" for a browser that comes back to `returnTo` with a ticket. */
    beginLogin(returnTo: string): LoginBegun {
      return beginDingTalkLogin(deps.login, returnTo);
    },

    /** `cookieOf` reads the browser's cookies: the ticket is redeemed only for the browser that started the login. */
    async create(ticket: string, cookieOf: (name: string) => string | undefined): Promise<CreatedSession> {
      const sessionId = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + deps.sessionTtlMs);
      const { result: signedIn, clearCookie } = await finishDingTalkLogin({ db, cloud: deps.cloud, settings: deps.login }, ticket, cookieOf, async (sql, login) => {
        await sessionsRepository.insert(sql, { idHash: hashSessionId(sessionId), tenantId, userid: login.user.userid, cloudTokenId: login.cloudTokenId, expiresAt });
        return login;
      });
      const user = await usersRepository.find(db.prisma, tenantId, signedIn.user.userid);
      if (!user) throw new AppError('internal', 'The signed-in user could not be loaded.');
      return { sessionId, expiresAt, user, cloudToken: signedIn.cloudToken, cloudTokenExpiresAt: signedIn.cloudTokenExpiresAt.toISOString(), clearCookie };
    },

    /** The signed-in, still active user of a session cookie; undefined when there is none. */
    async currentUser(sessionId: string): Promise<UserProfile | undefined> {
      const session = await sessionsRepository.findLive(db.prisma, tenantId, hashSessionId(sessionId));
      if (!session) return undefined;
      const user = await usersRepository.find(db.prisma, tenantId, session.userid);
      return user?.active ? user : undefined;
    },

    /** Ends the session and, in the same transaction, queues the revocation of its cloud token. */
    async end(sessionId: string): Promise<void> {
      const queued = await inTransaction(db.pool, async (sql) => {
        const ended = await sessionsRepository.delete(sql, tenantId, hashSessionId(sessionId));
        if (!ended?.cloudTokenId) return false;
        await tokenRevocationsRepository.add(sql, tenantId, ended.cloudTokenId);
        return true;
      });
      if (queued) deps.onRevocation?.();
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;

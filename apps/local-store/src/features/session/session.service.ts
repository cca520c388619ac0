// Sessions at this store. Signing in is "Sign in with DingTalk" through the cloud (dingtalk-login.ts);
// a finished login becomes a session row, in the transaction that redeems its ticket. Signing out
// ends the session and queues the revocation of its cloud token, in one transaction.
import { randomBytes } from 'node:crypto';
import type { UserProfile } from '@dtg/contracts';
import { AppError, sha256Hex } from '@dtg/service-kit';
import { CloudRequestError, type JsapiSignature } from '../../cloud/cloud-client';
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
      const { result: signedIn, clearCookie } = await finishDingTalkLogin(
        { db, cloud: deps.cloud, settings: deps.login },
        ticket,
        cookieOf,
        async (sql, login) => {
          await sessionsRepository.insert(sql, {
            idHash: hashSessionId(sessionId),
            tenantId,
            userid: login.user.userid,
            cloudTokenId: login.cloudTokenId,
            expiresAt,
          });
          return login;
        },
      );
      const user = await usersRepository.find(db.sql, tenantId, signedIn.user.userid);
      if (!user) throw new AppError('internal', 'The signed-in user could not be loaded.');
      return { sessionId, expiresAt, user, cloudToken: signedIn.cloudToken, cloudTokenExpiresAt: signedIn.cloudTokenExpiresAt.toISOString(), clearCookie };
    },

    /**
     * Sign-in inside the DingTalk client (免登): the page's in-app auth code, exchanged by the cloud
     * for a login ticket on the QR login's path. The store plays the browser's part itself — it makes
     * the binding and holds its value — so the ticket is redeemed here, in this request, and nowhere else.
     */
    async createInApp(authCode: string): Promise<CreatedSession> {
      const value = randomBytes(32).toString('base64url');
      const exchanged = await deps.cloud.inAppLogin(authCode, sha256Hex(value)).catch((error: unknown) => {
        throw error instanceof CloudRequestError
          ? new AppError('upstream_error', 'The cloud gateway could not be asked about the auth code.', { cause: error })
          : error;
      });
      if (!exchanged.ok) {
        const detail = (exchanged.body as { detail?: unknown } | undefined)?.detail;
        const why = typeof detail === 'string' ? detail : `the cloud answered ${exchanged.status}`;
        if (exchanged.status === 401) throw new AppError('unauthorized', `The auth code was refused: ${why}`);
        if (exchanged.status === 403) throw new AppError('forbidden', `The sign-in was refused: ${why}`);
        throw new AppError('upstream_error', `The in-app sign-in failed: ${why}`);
      }
      return this.create(exchanged.value.ticket, () => value);
    },

    /** dd.config's arguments for a page at `url`, from the cloud (which checks the URL's origin). */
    async inAppConfig(url: string): Promise<JsapiSignature> {
      const signed = await deps.cloud.jsapiSignature(url).catch((error: unknown) => {
        throw error instanceof CloudRequestError
          ? new AppError('upstream_error', 'The cloud gateway could not be asked for the JSAPI signature.', { cause: error })
          : error;
      });
      if (signed.ok) return signed.value;
      if (signed.status === 400)
        throw new AppError('bad_request', 'This page is not on an origin registered for the tenant at the cloud.', {
          fields: [{ path: 'body.url', message: 'must be on a registered origin' }],
        });
      throw new AppError('upstream_error', `The cloud answered ${signed.status} to the JSAPI signature request.`);
    },

    /** The signed-in, still active user of a session cookie; undefined when there is none. */
    async currentUser(sessionId: string): Promise<UserProfile | undefined> {
      const session = await sessionsRepository.findLive(db.sql, tenantId, hashSessionId(sessionId));
      if (!session) return undefined;
      const user = await usersRepository.find(db.sql, tenantId, session.userid);
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

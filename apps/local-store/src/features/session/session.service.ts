// Login ticket → local session. The ticket is looked up among pushed ones, fetched from the cloud
// when the push has not arrived yet, then redeemed atomically: reused, expired or unknown tickets
// create nothing.
import { randomBytes } from 'node:crypto';
import type { LoginTicket, UserProfile } from '@dtg/contracts';
import { AppError, openWithTicket, unauthorized } from '@dtg/service-kit';
import type { Pool } from 'pg';
import { CloudRequestError, type CloudClient } from '../../cloud/cloud-client';
import type { Database } from '../../db/database';
import { inTransaction, runStatements } from '../../db/sql';
import { userWritesRepository } from '../directory/user-writes.repository';
import { usersRepository } from '../directory/users.repository';
import { hashTicket, loginTicketsRepository } from './login-tickets.repository';
import { hashSessionId, sessionsRepository } from './sessions.repository';
import { tokenRevocationsRepository } from './token-revocations.repository';

export interface CreatedSession {
  /** The cookie value; never stored. */
  sessionId: string;
  expiresAt: Date;
  user: UserProfile;
  cloudToken: string;
  cloudTokenExpiresAt: string;
}

export interface SessionServiceDeps {
  db: Database;
  cloud: CloudClient;
  tenantId: string;
  sessionTtlMs: number;
  /** Called after a sign-out committed a cloud-token revocation (the revoker sends it). */
  onRevocation?: () => void;
}

const TICKET_REFUSED = 'The login ticket is unknown, expired or already used.';

export function createSessionService(deps: SessionServiceDeps) {
  const { db, tenantId } = deps;

  return {
    async create(ticket: string): Promise<CreatedSession> {
      const ticketHash = hashTicket(ticket);
      await ensureTicketKnown(deps, ticket, ticketHash);
      const sessionId = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + deps.sessionTtlMs);
      const redeemed = await redeem(db.pool, tenantId, ticket, { idHash: hashSessionId(sessionId), expiresAt });
      const user = await usersRepository.find(db.prisma, tenantId, redeemed.userid);
      if (!user) throw new AppError('internal', 'The signed-in user could not be loaded.');
      return { sessionId, expiresAt, user, cloudToken: redeemed.cloudToken, cloudTokenExpiresAt: redeemed.cloudTokenExpiresAt };
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

async function ensureTicketKnown(deps: SessionServiceDeps, ticket: string, ticketHash: string): Promise<void> {
  if (await loginTicketsRepository.exists(deps.db.sql, deps.tenantId, ticketHash)) return;
  const fetched = await fetchFromCloud(deps.cloud, ticket);
  if (!fetched || fetched.login.ticketHash !== ticketHash) throw unauthorized(TICKET_REFUSED);
  await runStatements(deps.db.sql, loginTicketsRepository.insert(deps.tenantId, [fetched]));
}

async function fetchFromCloud(cloud: CloudClient, ticket: string): Promise<LoginTicket | undefined> {
  try {
    return await cloud.fetchLoginTicket(ticket);
  } catch (error) {
    if (!(error instanceof CloudRequestError)) throw error;
    throw new AppError('upstream_error', 'The cloud gateway could not be asked about the login ticket.', { cause: error });
  }
}

interface Redeemed {
  userid: string;
  cloudToken: string;
  cloudTokenExpiresAt: string;
}

async function redeem(pool: Pool, tenantId: string, secret: string, session: { idHash: string; expiresAt: Date }): Promise<Redeemed> {
  return inTransaction(pool, async (sql) => {
    const ticket = await loginTicketsRepository.redeem(sql, tenantId, hashTicket(secret));
    if (!ticket) throw unauthorized(TICKET_REFUSED);
    // Only the ticket opens the token; a value that does not open was not sealed for this ticket.
    let cloudToken: string;
    try {
      cloudToken = openWithTicket(secret, ticket.sealedCloudToken);
    } catch (error) {
      throw new AppError('internal', 'The login’s cloud token could not be opened with its ticket.', { cause: error });
    }
    // The user.authenticated event also upserts the user; a ticket fetched ahead of it has no seq,
    // so it only fills in a user not known yet (version 0 loses to any event).
    await runStatements(sql, userWritesRepository.upsertProfiles(tenantId, [{ profile: ticket.user, seq: 0 }]));
    const [state] = await sql.query<{ active: boolean }>('SELECT active FROM users WHERE tenant_id = $1 AND userid = $2', [
      tenantId,
      ticket.user.userid,
    ]);
    if (!state?.active) throw unauthorized('This user is no longer active in the organisation.');
    await sessionsRepository.insert(sql, { ...session, tenantId, userid: ticket.user.userid, cloudTokenId: ticket.cloudTokenId });
    return { userid: ticket.user.userid, cloudToken, cloudTokenExpiresAt: ticket.cloudTokenExpiresAt.toISOString() };
  });
}

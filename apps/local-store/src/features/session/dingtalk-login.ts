// "Sign in with DingTalk" for a browser, through the cloud: both ends of it, for whatever signs
// people in at this store — the console's session today, an OpenID Connect provider's sign-in
// step next.
//
// begin: a random binding cookie for this browser, and the cloud's /auth/dingtalk URL carrying its
//   SHA-256. The cloud keeps that hash with the login and puts it in the ticket's data.
// finish: the ticket redeemed — once, within its TTL counted on this database's clock — only for
//   the browser that holds the binding cookie. A victim's browser opening an attacker's `?ticket=`
//   link gets nothing (login CSRF); a ticket without a binding (started elsewhere) is refused.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { LoginTicket, UserProfile } from '@dtg/contracts';
import { AppError, forbidden, openWithTicket, sha256Hex, unauthorized } from '@dtg/service-kit';
import type { CookieOptions } from 'express';
import { CloudRequestError, type CloudClient } from '../../cloud/cloud-client';
import type { Database } from '../../db/database';
import { inTransaction, runStatements, type Sql } from '../../db/sql';
import { changesRepository } from '../changes/changes.repository';
import { userWritesRepository } from '../directory/user-writes.repository';
import { hashTicket, loginTicketsRepository } from './login-tickets.repository';

/** How long a started login may take: the cloud's state lives 10 minutes. */
const BINDING_TTL_MS = 10 * 60_000;

const TICKET_REFUSED = 'The login ticket is unknown, expired or already used.';
const OTHER_BROWSER = 'This sign-in was started in another browser (or this browser did not keep its sign-in cookie). Please sign in again from here.';

export interface DingTalkLoginSettings {
  tenantId: string;
  /** The cloud as the browser reaches it. */
  cloudPublicUrl: string;
  cookieSecure: boolean;
}

export interface Cookie {
  name: string;
  value: string;
  options: CookieOptions;
}

export interface LoginBegun {
  /** Set it on the answer that sends the browser to `location`. */
  cookie: Cookie;
  location: string;
}

/** What a finished login hands to the code that signs the person in, inside the redeeming transaction. */
export interface SignedIn {
  user: UserProfile;
  cloudToken: string;
  cloudTokenId: string;
  cloudTokenExpiresAt: Date;
}

/** Named after its hash, so logins started in several tabs keep their own cookie. */
function bindingCookieName(bindingHash: string): string {
  return `dtg_bind_${bindingHash.slice(0, 16)}`;
}

function bindingCookieOptions(settings: DingTalkLoginSettings): CookieOptions {
  // Lax: the cloud sends the browser back with a top-level cross-site GET; the redemption itself is same-origin.
  return { httpOnly: true, sameSite: 'lax', secure: settings.cookieSecure, path: '/', maxAge: BINDING_TTL_MS };
}

export function beginDingTalkLogin(settings: DingTalkLoginSettings, returnTo: string): LoginBegun {
  const value = randomBytes(32).toString('base64url');
  const binding = sha256Hex(value);
  // Appended, not resolved: a cloud published under a path prefix keeps it.
  const location = `${settings.cloudPublicUrl}/auth/dingtalk?${new URLSearchParams({ tenant: settings.tenantId, returnTo, binding })}`;
  return { cookie: { name: bindingCookieName(binding), value, options: bindingCookieOptions(settings) }, location };
}

export interface FinishDeps {
  db: Database;
  cloud: CloudClient;
  settings: DingTalkLoginSettings;
}

/**
 * Redeems `ticket` for the browser whose cookies `cookieOf` reads, then runs `signIn` in the same
 * transaction (a session row, a grant…): either both happen or neither does. Returns its result and
 * the binding cookie to clear.
 */
export async function finishDingTalkLogin<T>(
  deps: FinishDeps,
  ticket: string,
  cookieOf: (name: string) => string | undefined,
  signIn: (sql: Sql, signedIn: SignedIn) => Promise<T>,
): Promise<{ result: T; clearCookie: Cookie }> {
  const { tenantId } = deps.settings;
  const ticketHash = hashTicket(ticket);
  await ensureTicketKnown(deps, ticket, ticketHash);
  return inTransaction(deps.db.pool, async (sql) => {
    const found = await loginTicketsRepository.lockRedeemable(sql, tenantId, ticketHash);
    if (!found) throw unauthorized(TICKET_REFUSED);
    if (!found.binding || !holdsBinding(cookieOf, found.binding)) throw forbidden(OTHER_BROWSER);
    // Only the ticket opens the token; a value that does not open was not sealed for this ticket.
    let cloudToken: string;
    try {
      cloudToken = openWithTicket(ticket, found.sealedCloudToken);
    } catch (error) {
      throw new AppError('internal', 'The login’s cloud token could not be opened with its ticket.', { cause: error });
    }
    await loginTicketsRepository.markRedeemed(sql, ticketHash);
    // The user.authenticated event also upserts the user; a ticket fetched ahead of it has no seq,
    // so it only fills in a user not known yet (version 0 loses to any event).
    // A user first seen here is a change customer services hear about (user.created), numbered in this transaction.
    await runStatements(sql, [
      ...userWritesRepository.lock(tenantId, [found.user.userid]),
      ...userWritesRepository.upsertProfiles(tenantId, [{ profile: found.user, seq: 0 }]),
      changesRepository.finalize(tenantId),
    ]);
    const [state] = await sql.query<{ active: boolean }>('SELECT active FROM users WHERE tenant_id = $1 AND userid = $2', [tenantId, found.user.userid]);
    if (!state?.active) throw unauthorized('This user is no longer active in the organisation.');
    const result = await signIn(sql, { user: found.user, cloudToken, cloudTokenId: found.cloudTokenId, cloudTokenExpiresAt: found.cloudTokenExpiresAt });
    return {
      result,
      clearCookie: { name: bindingCookieName(found.binding), value: '', options: { ...bindingCookieOptions(deps.settings), maxAge: undefined } },
    };
  });
}

function holdsBinding(cookieOf: (name: string) => string | undefined, binding: string): boolean {
  const value = cookieOf(bindingCookieName(binding));
  if (!value) return false;
  const [given, expected] = [Buffer.from(sha256Hex(value)), Buffer.from(binding)];
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function ensureTicketKnown(deps: FinishDeps, ticket: string, ticketHash: string): Promise<void> {
  if (await loginTicketsRepository.exists(deps.db.sql, deps.settings.tenantId, ticketHash)) return;
  const fetched = await fetchFromCloud(deps.cloud, ticket);
  if (!fetched || fetched.login.ticketHash !== ticketHash) throw unauthorized(TICKET_REFUSED);
  await runStatements(deps.db.sql, loginTicketsRepository.insert(deps.settings.tenantId, [fetched]));
}

async function fetchFromCloud(cloud: CloudClient, ticket: string): Promise<LoginTicket | undefined> {
  try {
    return await cloud.fetchLoginTicket(ticket);
  } catch (error) {
    if (!(error instanceof CloudRequestError)) throw error;
    throw new AppError('upstream_error', 'The cloud gateway could not be asked about the login ticket.', { cause: error });
  }
}
